#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <QAction>
#include <QCheckBox>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <qcustomplot.h>

#include "../widgets/findchild.h"
#include "../widgets/plotpoints.h"
#include "app/gui/mainwindow.h"
#include "app/gui/newsweepdialog.h"
#include "app/gui/sweepwindow.h"
#include "espalier/core/sweep.h"
#include "screenshot.h"
#include "syntheticsession.h"
#include "testregistry.h"
#include "widgets/format.h"
#include "widgets/logview.h"
#include "widgets/paretochart.h"
#include "widgets/sweepcelltable.h"

namespace tst_sweepwindow {

using espalier::app::MainWindow;
using espalier::app::SweepWindow;
using espalier::core::CellStatus;
using espalier::core::SweepResults;
using espalier::core::SweepSpec;
using espalier::testing::child;
using espalier::testing::points;
using espalier::testing::screenshot;
using espalier::widgets::ParetoChart;
using espalier::widgets::SweepCellTable;

namespace {

constexpr int kTimeoutMs = 300000;

QString writeRecipe(const QString& path, const espalier::core::Recipe& recipe)
{
    std::ofstream(path.toStdString()) << espalier::core::recipeToJson(recipe);
    return path;
}

/// The sweep of the brief, read from a recipe file as espalier-cli sweep would: magnitude and
/// random, 50 and 90 %, seed 0, one epoch each side.
SweepSpec tinySpec(const QString& recipePath)
{
    SweepSpec spec = espalier::core::loadSweepSpec(recipePath.toStdString());
    espalier::core::selectSweepCells(spec, {"magnitude", "random"}, {0.5, 0.9}, {0});
    return spec;
}

QStringList rowTexts(const SweepCellTable& table)
{
    QStringList rows;
    for (int i = 0; i < table.topLevelItemCount(); ++i) {
        QStringList cells;
        for (int column = 0; column < SweepCellTable::ColumnCount; ++column)
            cells << (column == SweepCellTable::SecondsColumn ? QString() : table.topLevelItem(i)->text(column));
        rows << cells.join(QLatin1Char('|'));
    }
    return rows;
}

int doneCells(const SweepResults& results)
{
    return int(std::count_if(results.cells.begin(), results.cells.end(),
                             [](const auto& cell) { return cell.status == CellStatus::Done; }));
}

} // namespace

class TestSweepWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void runsATinySweepAndReopensItReadOnly();
    void compressionAxisOnARealSweep();
    void continueRunsOnlyTheCellsLeft();
    void stopEndsTheRunningCell();
    void aFailingCellIsShownAndTheSweepGoesOn();
    void aSweepThatCannotRunFailsInTheWindow();
    void mainWindowOpensSweepFolders();

private:
    QTemporaryDir m_dir;
    QString m_recipe;
    QString m_folder; // the finished tiny sweep
};

void TestSweepWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_recipe = writeRecipe(m_dir.filePath(QStringLiteral("tiny.json")), espalier::testing::syntheticRecipe());
    m_folder = m_dir.filePath(QStringLiteral("tiny-sweep"));
}

void TestSweepWindow::runsATinySweepAndReopensItReadOnly()
{
    SweepWindow window;
    QSignalSpy finished(&window, &SweepWindow::finished);
    QSignalSpy failed(&window, &SweepWindow::failed);
    window.show();
    window.run(tinySpec(m_recipe), m_folder);
    QVERIFY(window.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count() + failed.count(), 1, kTimeoutMs);
    QCOMPARE(failed.count(), 0);
    QVERIFY(!window.isRunning());

    const SweepResults& results = window.results();
    QCOMPARE(results.cells.size(), std::size_t(4));
    QCOMPARE(doneCells(results), 4);
    QCOMPARE(results.points.size(), std::size_t(4));
    auto& table = *child<SweepCellTable>(window, "cellTable");
    QCOMPARE(table.topLevelItemCount(), 4);
    for (const auto& cell : results.cells) {
        QVERIFY(std::isfinite(cell.finalAccuracy) && cell.finalAccuracy > 0.0 && cell.finalAccuracy <= 1.0);
        QTreeWidgetItem* row = table.row(QString::fromStdString(cell.name));
        QVERIFY(row);
        QCOMPARE(row->text(SweepCellTable::MethodColumn), QString::fromStdString(cell.method));
        QCOMPARE(row->text(SweepCellTable::SparsityColumn), espalier::widgets::formatPercent(cell.sparsity));
        QCOMPARE(row->text(SweepCellTable::StatusColumn), QStringLiteral("Done"));
        QCOMPARE(row->text(SweepCellTable::FinalColumn), espalier::widgets::formatPercent(cell.finalAccuracy));
        QCOMPARE(row->text(SweepCellTable::BestColumn), espalier::widgets::formatPercent(cell.bestAccuracy));
        QCOMPARE(row->text(SweepCellTable::AchievedColumn), espalier::widgets::formatPercent(cell.achievedSparsity));
        QVERIFY(qAbs(cell.achievedSparsity - cell.sparsity) < 0.01);
    }

    auto& chart = *child<ParetoChart>(window, "paretoChart");
    for (const char* method : {"magnitude", "random"}) {
        QList<QPointF> expected;
        for (const auto& p : results.points)
            if (p.method == method)
                expected << QPointF(1.0 / (1.0 - p.achievedSparsity), p.finalMean * 100.0);
        QCOMPARE(expected.size(), 2);
        QVERIFY(chart.graph(method));
        QCOMPARE(points(chart.graph(method)), expected);
    }
    QVERIFY(results.denseRuns >= 1);
    QVERIFY(chart.denseLine()->visible());
    QCOMPARE(chart.denseLine()->point1->coords().y(), results.denseAccuracy * 100.0);
    const QString progress = child<QLabel>(window, "progressLabel")->text();
    QVERIFY2(progress.startsWith(QLatin1String("Finished")) && progress.contains(QLatin1String("4 of 4 cells done")),
             qPrintable(progress));
    QVERIFY(!child<QAction>(window, "stopAction")->isEnabled());
    QVERIFY(!child<QAction>(window, "continueAction")->isEnabled()); // nothing left to run
    screenshot(window, "sweep-window-test");

    // The same points from the folder alone.
    QString error;
    std::unique_ptr<SweepWindow> reopened(SweepWindow::open(m_folder, nullptr, &error));
    QVERIFY2(reopened, qPrintable(error));
    QVERIFY(reopened->windowTitle().contains(QLatin1String("read-only")));
    QCOMPARE(rowTexts(*child<SweepCellTable>(*reopened, "cellTable")), rowTexts(table));
    auto& reopenedChart = *child<ParetoChart>(*reopened, "paretoChart");
    for (const char* method : {"magnitude", "random"})
        QCOMPARE(points(reopenedChart.graph(method)), points(chart.graph(method)));
    QCOMPARE(reopenedChart.denseLine()->point1->coords().y(), results.denseAccuracy * 100.0);
    QVERIFY(!child<QAction>(*reopened, "stopAction")->isEnabled());
    QVERIFY(!child<QAction>(*reopened, "continueAction")->isEnabled());
    QVERIFY(child<QLabel>(*reopened, "progressLabel")->text().startsWith(QStringLiteral("Read-only · 4 of 4")));
}

void TestSweepWindow::compressionAxisOnARealSweep()
{
    // ESPALIER_SWEEP shows another sweep folder (e.g. a Fashion-MNIST sweep) for the screenshot.
    const QString folder = qEnvironmentVariable("ESPALIER_SWEEP", m_folder);
    QString error;
    std::unique_ptr<SweepWindow> window(SweepWindow::open(folder, nullptr, &error));
    QVERIFY2(window, qPrintable(error));
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    auto& chart = *child<ParetoChart>(*window, "paretoChart");
    QVERIFY(chart.compressionAxis()); // the sweep window opens on the compression axis
    const SweepResults& results = window->results();
    QVERIFY(!results.points.empty());
    for (const std::string& method : results.methods) {
        QList<QPointF> expected;
        for (const auto& p : results.points)
            if (p.method == method)
                expected << QPointF(1.0 / (1.0 - p.achievedSparsity), p.finalMean * 100.0);
        const QList<QPointF> drawn = points(chart.graph(method));
        QCOMPARE(drawn.size(), expected.size());
        for (qsizetype i = 0; i < drawn.size(); ++i) {
            QVERIFY(qAbs(drawn[i].x() - expected[i].x()) < 1e-9 * expected[i].x());
            QCOMPARE(drawn[i].y(), expected[i].y());
            QVERIFY(chart.plot()->xAxis->range().contains(drawn[i].x()));
        }
    }
    screenshot(*window, "sweep-window");
}

void TestSweepWindow::continueRunsOnlyTheCellsLeft()
{
    QVERIFY(QFileInfo(m_folder).isDir()); // after runsATinySweepAndReopensItReadOnly
    const QString copy = m_dir.filePath(QStringLiteral("continued"));
    std::filesystem::copy(m_folder.toStdString(), copy.toStdString(), std::filesystem::copy_options::recursive);
    // As if the sweep had been killed before its last cell.
    const std::string last = espalier::core::planSweep(tinySpec(m_recipe)).back().name;
    QVERIFY(std::filesystem::remove_all(std::filesystem::path(copy.toStdString()) / "cells" / last) > 0);

    QString error;
    std::unique_ptr<SweepWindow> window(SweepWindow::open(copy, nullptr, &error));
    QVERIFY2(window, qPrintable(error));
    QCOMPARE(doneCells(window->results()), 3);
    auto& table = *child<SweepCellTable>(*window, "cellTable");
    QCOMPARE(table.row(QString::fromStdString(last))->text(SweepCellTable::StatusColumn), QStringLiteral("Pending"));
    auto* continueAction = child<QAction>(*window, "continueAction");
    QVERIFY2(continueAction->isEnabled(), qPrintable(continueAction->toolTip()));

    QSignalSpy finished(window.get(), &SweepWindow::finished);
    QSignalSpy failed(window.get(), &SweepWindow::failed);
    continueAction->trigger();
    QVERIFY(window->isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count() + failed.count(), 1, kTimeoutMs);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(doneCells(window->results()), 4);
    QCOMPARE(table.row(QString::fromStdString(last))->text(SweepCellTable::StatusColumn), QStringLiteral("Done"));
    const QString log = child<espalier::widgets::LogView>(*window, "logView")->plainText();
    QCOMPARE(log.count(QLatin1String("finished earlier, skipped")), 3);
}

void TestSweepWindow::stopEndsTheRunningCell()
{
    const QString recipe =
        writeRecipe(m_dir.filePath(QStringLiteral("long.json")), espalier::testing::longSyntheticRecipe());
    SweepSpec spec = espalier::core::loadSweepSpec(recipe.toStdString());
    espalier::core::selectSweepCells(spec, {"magnitude"}, {0.9}, {0});
    const QString folder = m_dir.filePath(QStringLiteral("stopped"));

    SweepWindow window;
    QSignalSpy stopped(&window, &SweepWindow::stopped);
    QSignalSpy finished(&window, &SweepWindow::finished);
    window.show();
    window.run(spec, folder);
    auto* progress = child<QLabel>(window, "progressLabel");
    // The running cell and its epoch show before it ends.
    QTRY_VERIFY_WITH_TIMEOUT(progress->text().contains(QLatin1String("epoch")), kTimeoutMs);
    QVERIFY2(progress->text().startsWith(QLatin1String("Cell 1 of 1: magnitude at 90.00 %, seed 0")),
             qPrintable(progress->text()));
    auto* stop = child<QAction>(window, "stopAction");
    QVERIFY(stop->isEnabled());
    stop->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, kTimeoutMs);
    QCOMPARE(finished.count(), 0);
    QVERIFY(!window.isRunning());
    QCOMPARE(doneCells(window.results()), 0);
    QCOMPARE(child<SweepCellTable>(window, "cellTable")->topLevelItem(0)->text(SweepCellTable::StatusColumn),
             QStringLiteral("Pending")); // no longer "Running": the folder was read again
    QVERIFY2(progress->text().startsWith(QStringLiteral("Stopped · 0 of 1")), qPrintable(progress->text()));
    QVERIFY(child<QAction>(window, "continueAction")->isEnabled());
}

void TestSweepWindow::aFailingCellIsShownAndTheSweepGoesOn()
{
    espalier::core::Recipe broken = espalier::testing::syntheticRecipe();
    broken.data.name = "mnist";
    broken.data.root = m_dir.filePath(QStringLiteral("no-such-data")).toStdString();
    SweepSpec spec;
    spec.name = "half-broken";
    spec.sparsities = {0.9};
    spec.methods.push_back({"magnitude", espalier::testing::syntheticRecipe(), {}});
    spec.methods.push_back({"no-data", broken, {}});

    SweepWindow window;
    QSignalSpy finished(&window, &SweepWindow::finished);
    QSignalSpy failed(&window, &SweepWindow::failed);
    window.run(spec, m_dir.filePath(QStringLiteral("half-broken")));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count() + failed.count(), 1, kTimeoutMs);
    QCOMPARE(finished.count(), 1);
    auto& table = *child<SweepCellTable>(window, "cellTable");
    QCOMPARE(table.topLevelItemCount(), 2);
    QTreeWidgetItem* good = table.topLevelItem(0);
    QTreeWidgetItem* bad = table.topLevelItem(1);
    QCOMPARE(good->text(SweepCellTable::StatusColumn), QStringLiteral("Done"));
    QCOMPARE(bad->text(SweepCellTable::StatusColumn), QStringLiteral("Failed"));
    QVERIFY2(bad->toolTip(SweepCellTable::MethodColumn).startsWith(QLatin1String("Failed: ")),
             qPrintable(bad->toolTip(SweepCellTable::MethodColumn)));
    QVERIFY(bad->toolTip(SweepCellTable::MethodColumn).size() > 10); // the reason, not just the word
    auto& chart = *child<ParetoChart>(window, "paretoChart");
    QCOMPARE(points(chart.graph("magnitude")).size(), 1);
    QCOMPARE(points(chart.graph("no-data")).size(), 0);
    QVERIFY(child<QLabel>(window, "progressLabel")->text().contains(QLatin1String("1 of 2 cells done, 1 failed")));
}

void TestSweepWindow::aSweepThatCannotRunFailsInTheWindow()
{
    const QString file = m_dir.filePath(QStringLiteral("a-file"));
    std::ofstream(file.toStdString()) << "not a folder\n";
    SweepWindow window;
    QSignalSpy failed(&window, &SweepWindow::failed);
    window.show();
    window.run(tinySpec(m_recipe), file);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
    const QString message = failed.front().front().toString();
    QVERIFY(!message.isEmpty());
    QVERIFY(!window.isRunning());
    QVERIFY2(child<QLabel>(window, "progressLabel")->text().startsWith(QLatin1String("Failed: ")),
             qPrintable(child<QLabel>(window, "progressLabel")->text()));
    QVERIFY(child<espalier::widgets::LogView>(window, "logView")->plainText().contains(message));
    QVERIFY(window.isVisible()); // the window survives
}

void TestSweepWindow::mainWindowOpensSweepFolders()
{
    MainWindow main;
    QVERIFY(main.findChild<QAction*>(QStringLiteral("newSweepAction")));
    QVERIFY(main.findChild<QAction*>(QStringLiteral("openSweepAction")));
    QVERIFY(main.openSweep(m_folder));
    const auto windows = main.findChildren<SweepWindow*>();
    QCOMPARE(windows.size(), 1);
    QCOMPARE(windows.front()->results().points.size(), std::size_t(4));
    QVERIFY(windows.front()->isVisible());

    // File ▸ New sweep…: the dialog, then a window running the sweep.
    main.findChild<QAction*>(QStringLiteral("newSweepAction"))->trigger();
    auto* dialog = main.findChild<espalier::app::NewSweepDialog*>(QStringLiteral("newSweepDialog"));
    QVERIFY(dialog);
    dialog->setSweepFile(m_recipe);
    dialog->setFolder(m_dir.filePath(QStringLiteral("from-the-menu")));
    QTest::mouseClick(child<QPushButton>(*dialog, "okButton"), Qt::LeftButton);
    QTRY_COMPARE(main.findChildren<SweepWindow*>().size(), 2);
    SweepWindow* running = nullptr;
    for (SweepWindow* window : main.findChildren<SweepWindow*>())
        if (window != windows.front())
            running = window;
    QVERIFY(running->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!running->isRunning() && doneCells(running->results()) == 1, kTimeoutMs);
    QCOMPARE(running->folder(), m_dir.filePath(QStringLiteral("from-the-menu")));
    QCOMPARE(points(child<ParetoChart>(*running, "paretoChart")->graph("magnitude")).size(), 1);

    QVERIFY(!main.openSweep(m_dir.filePath(QStringLiteral("no-such-sweep"))));
    QTRY_VERIFY(main.findChild<QMessageBox*>(QStringLiteral("sweepErrorBox")));
    QVERIFY(main.findChild<QMessageBox*>(QStringLiteral("sweepErrorBox"))->text().contains(QLatin1String("no-such-sweep")));
}

ESPALIER_TEST_MAIN(TestSweepWindow)

} // namespace tst_sweepwindow

#include "tst_sweepwindow.moc"
