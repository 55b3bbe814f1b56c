#include <memory>

#include <unistd.h>

#include <qcustomplot.h>

#include <QAction>
#include <QContextMenuEvent>
#include <QFile>
#include <QImage>
#include <QMenu>
#include <QPainter>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>

#include "testregistry.h"
#include "widgets/chartexport.h"
#include "widgets/curvechart.h"
#include "widgets/densitychart.h"
#include "widgets/palette.h"
#include "widgets/saliencyhistogram.h"

namespace tst_chartexport {

using espalier::core::EpochRecord;
using espalier::core::LayerStats;
using namespace espalier::widgets;

namespace {

LayerStats layer(const std::string& name, std::vector<std::int64_t> shape, std::int64_t kept, double floor = 0.0)
{
    LayerStats stats;
    stats.name = name;
    stats.shape = std::move(shape);
    stats.numel = 1;
    for (const std::int64_t dim : stats.shape)
        stats.numel *= dim;
    stats.kept = kept;
    stats.floor = floor;
    stats.collapsed = kept == 0;
    return stats;
}

EpochRecord epoch(const char* phase, int round, int number, double accuracy, double loss)
{
    EpochRecord record;
    record.phase = phase;
    record.round = round;
    record.epoch = number;
    record.testAccuracy = accuracy;
    record.trainLoss = loss;
    record.lr = 0.1;
    return record;
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

} // namespace

class TestChartExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void imageFormats_data();
    void imageFormats();
    void pngHasThePlotSize();
    void svgBarsStayInsideTheFrame();
    void unknownSuffixFails();
    void missingDirectoryFailsNamingThePath();
    void failedSaveLeavesEarlierFileIntact();
    void unwritableDirectoryLeavesEarlierFileIntact();
    void saveTextReplacesContent();
    void csvField_data();
    void csvField();
    void densityCsvMatchesLayers();
    void curveCsvMatchesEpochs();
    void rightClickOpensExportMenu_data();
    void rightClickOpensExportMenu();
    void plotWithoutCsvHasNoDataEntry();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<DensityChart> m_chart;
};

void TestChartExport::init()
{
    QVERIFY(m_dir.isValid());
    m_chart = std::make_unique<DensityChart>();
    m_chart->resize(640, 400);
    m_chart->setLayers({layer("fc1.weight", {300, 784}, 23520), layer("fc2.weight", {100, 300}, 3000)}, 0.9);
    m_chart->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_chart.get()));
}

void TestChartExport::imageFormats_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("start");
    QTest::addColumn<QByteArray>("contains");
    QTest::addRow("png") << QStringLiteral("chart.png") << QByteArray("\x89PNG") << QByteArray("IHDR");
    QTest::addRow("svg") << QStringLiteral("chart.svg") << QByteArray("<?xml") << QByteArray("<svg");
    QTest::addRow("pdf") << QStringLiteral("chart.pdf") << QByteArray("%PDF") << QByteArray("%%EOF");
    QTest::addRow("upper-case suffix") << QStringLiteral("chart.PDF") << QByteArray("%PDF") << QByteArray("%%EOF");
}

void TestChartExport::imageFormats()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, start);
    QFETCH(QByteArray, contains);
    const QString path = m_dir.filePath(name);
    QString error;
    QVERIFY2(exportChart(m_chart->plot(), path, &error), qPrintable(error));
    QVERIFY(error.isEmpty());
    const QByteArray bytes = readAll(path);
    QVERIFY(bytes.size() > 500);
    QVERIFY(bytes.startsWith(start));
    QVERIFY(bytes.contains(contains));
}

void TestChartExport::pngHasThePlotSize()
{
    const QString path = m_dir.filePath(QStringLiteral("density.png"));
    QVERIFY(exportChart(m_chart->plot(), path));
    QImage image;
    QVERIFY(image.load(path));
    QCOMPARE(image.size(), m_chart->plot()->size());
    // Not a blank page: the density bars are in the picture.
    const QPoint bar(int(m_chart->plot()->xAxis->coordToPixel(1.0)), int(m_chart->plot()->yAxis->coordToPixel(5.0)));
    QCOMPARE(image.pixelColor(bar).rgb(), densityColor().rgb());
}

void TestChartExport::svgBarsStayInsideTheFrame()
{
    // A log axis puts a bar's base far below the frame; QSvgGenerator does not clip it for us.
    SaliencyHistogramChart chart;
    LayerStats stats;
    stats.name = "fc1.weight";
    stats.histogram.edges = {-4.0, -3.0, -2.0, -1.0};
    stats.histogram.keptCounts = {0, 3, 30};
    stats.histogram.prunedCounts = {500, 60, 0};
    stats.histogram.threshold = -2.5;
    chart.setLayer(stats);
    chart.resize(500, 320);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.plot()->replot();
    QVERIFY(chart.logScale());
    const QString path = m_dir.filePath(QStringLiteral("histogram.svg"));
    QVERIFY(exportChart(chart.plot(), path));

    QSvgRenderer svg(path);
    QVERIFY(svg.isValid());
    QImage image(chart.plot()->size(), QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    svg.render(&painter);
    painter.end();
    const QRect frame = chart.plot()->axisRect()->rect();
    const QColor colours[] = {chart.keptBars()->brush().color(), chart.prunedBars()->brush().color()};
    // A 3×3 block of a bar's colour is a bar; single pixels of that grey occur in anti-aliased text.
    const auto block = [&image](int x, int y, const QColor& colour) {
        for (int dx = 0; dx < 3; ++dx)
            for (int dy = 0; dy < 3; ++dy)
                if (image.pixelColor(x + dx, y + dy).rgb() != colour.rgb())
                    return false;
        return true;
    };
    int inside = 0;
    int below = 0;
    for (int x = frame.left(); x < frame.right() - 3; ++x) {
        for (const QColor& colour : colours) {
            inside += block(x, frame.bottom() - 5, colour);
            for (int y = frame.bottom() + 3; y < image.height() - 3; ++y)
                below += block(x, y, colour);
        }
    }
    QVERIFY(inside > 50); // the bars are there
    QCOMPARE(below, 0);   // and end at the x axis
}

void TestChartExport::unknownSuffixFails()
{
    const QString path = m_dir.filePath(QStringLiteral("chart.bmp"));
    QString error;
    QVERIFY(!exportChart(m_chart->plot(), path, &error));
    QVERIFY(error.contains(QStringLiteral("chart.bmp")));
    QVERIFY(!QFile::exists(path));
}

void TestChartExport::missingDirectoryFailsNamingThePath()
{
    const QString csvPath = m_dir.filePath(QStringLiteral("missing/data.csv"));
    QString error;
    QVERIFY(!saveText(csvPath, QStringLiteral("a,b\n"), &error));
    QVERIFY2(error.contains(csvPath), qPrintable(error));
    QVERIFY(!QFile::exists(csvPath));

    const QString pngPath = m_dir.filePath(QStringLiteral("missing/chart.png"));
    error.clear();
    QVERIFY(!exportChart(m_chart->plot(), pngPath, &error));
    QVERIFY2(error.contains(pngPath), qPrintable(error));
    QVERIFY(!QFile::exists(pngPath));
}

void TestChartExport::failedSaveLeavesEarlierFileIntact()
{
    // An export that cannot be rendered must not truncate what the user saved before.
    const QString path = m_dir.filePath(QStringLiteral("figure.gif"));
    writeFile(path, "earlier figure");
    QVERIFY(!exportChart(m_chart->plot(), path));
    QCOMPARE(readAll(path), QByteArray("earlier figure"));

    QCustomPlot unsized;
    unsized.resize(0, 0);
    const QString png = m_dir.filePath(QStringLiteral("figure.png"));
    writeFile(png, "earlier png");
    QString error;
    QVERIFY(!exportChart(&unsized, png, &error));
    QVERIFY(error.contains(png));
    QCOMPARE(readAll(png), QByteArray("earlier png"));
}

void TestChartExport::unwritableDirectoryLeavesEarlierFileIntact()
{
    if (::geteuid() == 0)
        QSKIP("root writes into read-only directories");
    const QString sub = m_dir.filePath(QStringLiteral("locked"));
    QVERIFY(QDir().mkpath(sub));
    const QString path = sub + QStringLiteral("/data.csv");
    writeFile(path, "old,data\n");
    QVERIFY(QFile::setPermissions(sub, QFile::ReadOwner | QFile::ExeOwner));
    QString error;
    const bool saved = saveText(path, QStringLiteral("new,data\n"), &error);
    QFile::setPermissions(sub, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QVERIFY(!saved);
    QVERIFY(error.contains(path));
    QCOMPARE(readAll(path), QByteArray("old,data\n"));
}

void TestChartExport::saveTextReplacesContent()
{
    const QString path = m_dir.filePath(QStringLiteral("data.csv"));
    writeFile(path, "a much longer earlier content that must not survive as a tail\n");
    QString error;
    QVERIFY(saveText(path, QStringLiteral("layer,µ\nfc1,1\n"), &error));
    QVERIFY(error.isEmpty());
    QCOMPARE(QString::fromUtf8(readAll(path)), QStringLiteral("layer,µ\nfc1,1\n"));
}

void TestChartExport::csvField_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("field");
    QTest::addRow("plain") << QStringLiteral("fc1.weight") << QStringLiteral("fc1.weight");
    QTest::addRow("comma") << QStringLiteral("a,b") << QStringLiteral("\"a,b\"");
    QTest::addRow("quote") << QStringLiteral("say \"hi\"") << QStringLiteral("\"say \"\"hi\"\"\"");
    QTest::addRow("newline") << QStringLiteral("a\nb") << QStringLiteral("\"a\nb\"");
}

void TestChartExport::csvField()
{
    QFETCH(QString, text);
    QFETCH(QString, field);
    QCOMPARE(espalier::widgets::csvField(text), field);
}

void TestChartExport::densityCsvMatchesLayers()
{
    DensityChart chart;
    chart.setLayers({layer("fc1.weight", {300, 784}, 23520), layer("fc2.weight", {100, 300}, 0),
                     layer("fc3.weight", {10, 100}, 51, 0.05)},
                    0.9);
    const QStringList lines = chart.csv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines[0], QStringLiteral("layer,shape,numel,kept,density,floor,status"));
    QCOMPARE(lines[1], QStringLiteral("fc1.weight,300x784,235200,23520,0.1,0,ok"));
    QCOMPARE(lines[2], QStringLiteral("fc2.weight,100x300,30000,0,0,0,collapsed"));
    QCOMPARE(lines[3], QStringLiteral("fc3.weight,10x100,1000,51,0.051,0.05,near_floor"));

    // What the menu writes is what csv() returns.
    const QString path = m_dir.filePath(QStringLiteral("density.csv"));
    QVERIFY(saveText(path, chart.csv()));
    QCOMPARE(QString::fromUtf8(readAll(path)), chart.csv());
}

void TestChartExport::curveCsvMatchesEpochs()
{
    CurveChart chart;
    EpochRecord finetune = epoch("finetune", 2, 1, 0.9125, 0.25);
    finetune.validationAccuracy = 0.9;
    chart.setHistory({epoch("pretrain", 0, 1, 0.8, 0.6), finetune}, {});
    const QStringList lines = chart.csv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].startsWith(QStringLiteral("x,phase,round,epoch,lr,train_loss,train_accuracy,test_loss,test_accuracy,"
                                               "validation_accuracy")));
    const QStringList header = lines[0].split(QLatin1Char(','));
    const QStringList first = lines[1].split(QLatin1Char(','));
    const QStringList second = lines[2].split(QLatin1Char(','));
    QCOMPARE(first.size(), header.size());
    const auto column = [&](const QStringList& row, const char* name) { return row.value(header.indexOf(QLatin1String(name))); };
    QCOMPARE(column(first, "x"), QStringLiteral("1"));
    QCOMPARE(column(first, "phase"), QStringLiteral("pretrain"));
    QCOMPARE(column(first, "test_accuracy"), QStringLiteral("0.8"));
    QCOMPARE(column(first, "train_loss"), QStringLiteral("0.6"));
    QCOMPARE(column(first, "validation_accuracy"), QString()); // NaN: not measured
    QCOMPARE(column(second, "x"), QStringLiteral("2"));
    QCOMPARE(column(second, "round"), QStringLiteral("2"));
    QCOMPARE(column(second, "test_accuracy"), QStringLiteral("0.9125"));
    QCOMPARE(column(second, "validation_accuracy"), QStringLiteral("0.9"));
    // The plotted points are the same epochs (accuracy in percent on screen).
    QCOMPARE(chart.accuracyGraph()->data()->at(1)->value, 91.25);
}

void TestChartExport::rightClickOpensExportMenu_data()
{
    QTest::addColumn<QString>("chart");
    QTest::addRow("density") << QStringLiteral("density");
    QTest::addRow("curves") << QStringLiteral("curves");
    QTest::addRow("histogram") << QStringLiteral("histogram");
}

void TestChartExport::rightClickOpensExportMenu()
{
    QFETCH(QString, chart);
    std::unique_ptr<QWidget> widget;
    if (chart == QLatin1String("density"))
        widget = std::make_unique<DensityChart>();
    else if (chart == QLatin1String("curves"))
        widget = std::make_unique<CurveChart>();
    else
        widget = std::make_unique<SaliencyHistogramChart>();
    widget->resize(500, 300);
    widget->show();
    QVERIFY(QTest::qWaitForWindowExposed(widget.get()));
    auto* plot = widget->findChild<QCustomPlot*>();
    QVERIFY(plot);
    auto* menu = plot->findChild<QMenu*>(QStringLiteral("chartExportMenu"));
    QVERIFY(menu);
    QVERIFY(!menu->isVisible());

    const QPoint at(plot->width() / 2, plot->height() / 2);
    QContextMenuEvent event(QContextMenuEvent::Mouse, at, plot->mapToGlobal(at));
    QCoreApplication::sendEvent(plot, &event);
    QTRY_VERIFY(menu->isVisible());
    QStringList texts;
    for (QAction* action : menu->actions()) {
        if (!action->isSeparator())
            texts << action->text();
    }
    QCOMPARE(texts, (QStringList{QStringLiteral("Save image as PNG…"), QStringLiteral("Save image as SVG…"),
                                 QStringLiteral("Save image as PDF…"), QStringLiteral("Save data as CSV…")}));
    QVERIFY(menu->findChild<QAction*>(QStringLiteral("saveCsvAction")));
    menu->close();
}

void TestChartExport::plotWithoutCsvHasNoDataEntry()
{
    QCustomPlot plot;
    QMenu* menu = installExportMenu(&plot, {});
    QCOMPARE(menu->parent(), &plot);
    QCOMPARE(plot.contextMenuPolicy(), Qt::CustomContextMenu);
    QVERIFY(menu->findChild<QAction*>(QStringLiteral("savePngAction")));
    QVERIFY(!menu->findChild<QAction*>(QStringLiteral("saveCsvAction")));
}

ESPALIER_TEST_MAIN(TestChartExport)

} // namespace tst_chartexport

#include "tst_chartexport.moc"
