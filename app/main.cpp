// The Espalier window. Everything but argument handling lives in espalier_app (app/gui/).
#include <cstdio>
#include <cstring>
#include <optional>

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QTimer>

#include "app/gui/attachedrunwindow.h"
#include "app/gui/mainwindow.h"
#include "app/gui/sessioncontroller.h"
#include "app/gui/stallmonitor.h"

namespace {

const QCommandLineOption kAutostart(QStringLiteral("autostart"), QStringLiteral("Start the session at once."));
const QCommandLineOption kAttach(QStringLiteral("attach"),
                                 QStringLiteral("Watch the espalier-cli run whose --out folder is <folder>: live "
                                                "charts, pause, resume and stop."),
                                 QStringLiteral("folder"));
const QCommandLineOption kStats(QStringLiteral("stats"),
                                QStringLiteral("On exit, print a JSON line with the longest UI-thread stall and the "
                                               "session's mean training throughput (for tests/perf)."));
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
    parser.addOption(kStats);
    parser.addOption(kAttach);
    parser.addPositionalArgument(QStringLiteral("recipe"),
                                 QStringLiteral("Recipe (.json) to open instead of the default recipe, a "
                                                "session.h5 to continue, or a sweep folder to show."),
                                 QStringLiteral("[recipe|session.h5|sweep-folder]"));
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
        std::fputs("espalier: expected at most one recipe, session or sweep folder\n", stderr);
        return 2;
    }

    espalier::app::MainWindow window;
    window.setQuitWhenDone(parser.isSet(kQuitWhenDone));
    window.show();
    const QString recipe = parser.positionalArguments().value(0);
    // A session.h5 (HDF5) continues a saved session, a folder is a sweep's; anything else is a recipe.
    const bool loaded = recipe.isEmpty()                       ? window.openDefaultRecipe()
                        : QFileInfo(recipe).isDir()             ? window.openSweep(recipe)
                        : recipe.endsWith(QLatin1String(".h5")) ? window.openSession(recipe)
                                                                : window.openRecipe(recipe);
    if (parser.isSet(kAttach)) {
        QString error;
        auto* attached = espalier::app::AttachedRunWindow::attach(parser.value(kAttach), &window, &error);
        if (!attached) {
            std::fprintf(stderr, "espalier: %s\n", qPrintable(error));
            return 2;
        }
        attached->show();
    }
    if (parser.isSet(kAutostart)) {
        if (loaded)
            QTimer::singleShot(0, &window, &espalier::app::MainWindow::startSession);
        else if (parser.isSet(kQuitWhenDone))
            return 1; // nothing to run; the reason went to stderr and the log
    }
    std::optional<espalier::app::StallMonitor> monitor;
    if (parser.isSet(kStats)) {
        monitor.emplace();
        // Measured while the session runs, from its start to the end of the application.
        QObject::connect(window.controller(), &espalier::app::SessionController::stateChanged, &*monitor,
                         [&monitor](espalier::core::SessionState state) {
                             if (state == espalier::core::SessionState::Running && monitor->ticks() == 0)
                                 monitor->start();
                         });
    }
    const int code = app.exec();
    if (monitor) {
        double samplesPerSecond = 0.0;
        int epochs = 0;
        if (const auto& snapshot = window.latestSnapshot())
            for (const auto& e : snapshot->epochs)
                if (e.samplesPerSecond > 0) {
                    samplesPerSecond += e.samplesPerSecond;
                    ++epochs;
                }
        std::printf("{\"longest_stall_ms\": %.3f, \"ticks\": %lld, \"epochs\": %d, \"mean_samples_per_second\": %.1f}\n",
                    monitor->longestStallMs(), static_cast<long long>(monitor->ticks()), epochs,
                    epochs > 0 ? samplesPerSecond / epochs : 0.0);
    }
    return code;
}
