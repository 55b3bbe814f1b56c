// layers.csv: header, one row per layer in the given order, numbers that read back exactly, and
// RFC 4180 quoting of names with commas, quotes or line breaks.

#include <QtTest>

#include "layercsv.h"
#include "testregistry.h"

namespace tst_layercsv {

using namespace espalier::core;

namespace {

LayerStats layer(const std::string& name, std::vector<std::int64_t> shape, std::int64_t kept)
{
    LayerStats s;
    s.name = name;
    s.shape = std::move(shape);
    s.numel = 1;
    for (std::int64_t d : s.shape)
        s.numel *= d;
    s.kept = kept;
    s.effectiveKept = kept;
    s.collapsed = kept == 0;
    return s;
}

} // namespace

class TestLayerCsv : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void headerAndRowsInOrder();
    void quotesNames_data();
    void quotesNames();
};

void TestLayerCsv::headerAndRowsInOrder()
{
    LayerStats fc1 = layer("fc1.weight", {300, 784}, 4704);
    fc1.floor = 0.01;
    fc1.locked = true;
    fc1.effectiveKept = 4000;
    fc1.channels = 300;
    fc1.keptChannels = 150;
    const std::string csv = layerCsv({fc1, layer("fc3.weight", {10, 100}, 0)});
    QCOMPARE(QString::fromStdString(csv),
             QStringLiteral("name,shape,numel,kept,density,floor,locked,collapsed,effective_kept,channels,kept_channels\r\n"
                            "fc1.weight,300x784,235200,4704,0.02,0.01,1,0,4000,300,150\r\n"
                            "fc3.weight,10x100,1000,0,0,0,0,1,0,0,0\r\n"));
}

void TestLayerCsv::quotesNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("field");
    QTest::addRow("plain") << "layer1_0.conv1.weight" << "layer1_0.conv1.weight";
    QTest::addRow("comma") << "a,b.weight" << "\"a,b.weight\"";
    QTest::addRow("quote") << "say \"hi\".weight" << "\"say \"\"hi\"\".weight\"";
    QTest::addRow("newline") << "two\nlines" << "\"two\nlines\"";
}

void TestLayerCsv::quotesNames()
{
    QFETCH(QString, name);
    QFETCH(QString, field);
    const QString csv = QString::fromStdString(layerCsv({layer(name.toStdString(), {2, 2}, 1)}));
    QVERIFY2(csv.contains(QStringLiteral("\r\n") + field + QStringLiteral(",2x2,4,1,0.25,")), qPrintable(csv));
}

ESPALIER_TEST_MAIN(TestLayerCsv)

} // namespace tst_layercsv

#include "tst_layercsv.moc"
