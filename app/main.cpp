// The Espalier window. Everything but argument handling lives in espalier_app (app/gui/).
#include <cstdio>
#include <cstring>

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include "app/gui/mainwindow.h"

namespace {

const QCommandLineOption kAutostart(QStringLiteral("autostart"), QStringLiteral("Start the session at once."));
const QCommandLineOption kQuitWhenDone(QStringLiteral("quit-when-done"),
                                       QStringLiteral("Quit when the session ends (exit code 0 finished, "
                                                      "1 failed, 2 stopped)."));

void describeApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("Espalier"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ESPALIER_VERSION));
    QCoreApplication::setOrganizationName(QStringLiteral("Espalier"));
}

void parse(QCommandLineParser& parser, const QCoreApplication& app)
{
    parser.setApplicationDescription(QStringLiteral("Espalier: a desktop workbench for pruning neural networks."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(kAutostart);
    parser.addOption(kQuitWhenDone);
    parser.addPositionalArgument(QStringLiteral("recipe"),
                                 QStringLiteral("Recipe (.json) to open instead of the default recipe."),
                                 QStringLiteral("[recipe]"));
    parser.process(app); // prints --help/--version or an error and exits
}

/// --version and --help must work without a display (ssh, CI), so they never create a QApplication.
bool wantsTextOnly(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        for (const char* option : {"--version", "-v", "--help", "-h", "--help-all", "-?"}) {
            if (std::strcmp(argv[i], option) == 0)
                return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char** argv)
{
    if (wantsTextOnly(argc, argv)) {
        QCoreApplication app(argc, argv);
        describeApplication();
        QCommandLineParser parser;
        parse(parser, app);
        return 0;
    }

    QApplication app(argc, argv);
    describeApplication();
    QApplication::setDesktopFileName(QStringLiteral("espalier"));
    QCommandLineParser parser;
    parse(parser, app);
    if (parser.positionalArguments().size() > 1) {
        std::fputs("espalier: expected at most one recipe\n", stderr);
        return 2;
    }

    espalier::app::MainWindow window;
    window.setQuitWhenDone(parser.isSet(kQuitWhenDone));
    window.show();
    const QString recipe = parser.positionalArguments().value(0);
    const bool loaded = recipe.isEmpty() ? window.openDefaultRecipe() : window.openRecipe(recipe);
    if (parser.isSet(kAutostart)) {
        if (loaded)
            QTimer::singleShot(0, &window, &espalier::app::MainWindow::startSession);
        else if (parser.isSet(kQuitWhenDone))
            return 1; // nothing to run; the reason went to stderr and the log
    }
    return app.exec();
}
