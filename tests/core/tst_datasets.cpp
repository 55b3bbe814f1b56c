#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <hdf5.h>
#include <zlib.h>

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include "dataset.h"
#include "espalier/core/errors.h"
#include "testregistry.h"

namespace tst_datasets {

using namespace espalier::core;

namespace {

const std::string kFashionRoot = "/usr/share/datasets/fashion-mnist";

void writeBytes(const std::string& path, const std::vector<std::uint8_t>& bytes, bool gz = false) {
    if (gz) {
        gzFile f = gzopen(path.c_str(), "wb");
        QVERIFY(f != nullptr);
        QCOMPARE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
                 static_cast<int>(bytes.size()));
        gzclose(f);
        return;
    }
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

/// An IDX file: big-endian magic and dimensions, then the payload.
std::vector<std::uint8_t> idx(std::uint32_t magic, const std::vector<std::uint32_t>& dims,
                              const std::vector<std::uint8_t>& payload) {
    std::vector<std::uint8_t> out;
    auto put = [&out](std::uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8)
            out.push_back(static_cast<std::uint8_t>(v >> shift));
    };
    put(magic);
    for (auto d : dims)
        put(d);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

std::vector<std::uint8_t> pattern(std::size_t n, std::uint32_t seed) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<std::uint8_t>((i * 2654435761U + seed * 97U) >> 7);
    return v;
}

/// A small MNIST-layout folder; the fields let a test corrupt exactly one thing.
struct MnistFixture {
    std::uint32_t images = 3;
    std::uint32_t labels = 3;
    std::uint32_t rows = 28;
    std::uint32_t imageMagic = 0x00000803;
    std::size_t cutImageBytes = 0; ///< bytes removed from the end of train-images
    std::uint8_t firstLabel = 1;
    bool gz = false;
    bool writeTrainImages = true;

    std::vector<std::uint8_t> trainPixels() const { return pattern(std::size_t{images} * rows * 28, 1); }

    void write(const std::string& dir) const {
        const std::string ext = gz ? ".gz" : "";
        auto pixels = trainPixels();
        pixels.resize(pixels.size() - cutImageBytes);
        if (writeTrainImages)
            writeBytes(dir + "/train-images-idx3-ubyte" + ext, idx(imageMagic, {images, rows, 28}, pixels),
                       gz);
        std::vector<std::uint8_t> trainLabels(labels);
        for (std::uint32_t i = 0; i < labels; ++i)
            trainLabels[i] = static_cast<std::uint8_t>((firstLabel + i) % 10);
        trainLabels[0] = firstLabel;
        writeBytes(dir + "/train-labels-idx1-ubyte" + ext, idx(0x801, {labels}, trainLabels), gz);
        writeBytes(dir + "/t10k-images-idx3-ubyte" + ext, idx(0x803, {2, 28, 28}, pattern(2 * 784, 2)), gz);
        writeBytes(dir + "/t10k-labels-idx1-ubyte" + ext, idx(0x801, {2}, {9, 0}), gz);
    }
};

/// Writes CIFAR records: `labelBytes` label bytes (label, or coarse + fine) then 3072 pixels.
void writeCifar(const std::string& path, const std::vector<std::vector<std::uint8_t>>& labels,
                std::uint32_t seed, std::size_t cut = 0) {
    std::vector<std::uint8_t> bytes;
    for (std::size_t r = 0; r < labels.size(); ++r) {
        bytes.insert(bytes.end(), labels[r].begin(), labels[r].end());
        const auto pixels = pattern(3072, seed * 100 + static_cast<std::uint32_t>(r));
        bytes.insert(bytes.end(), pixels.begin(), pixels.end());
    }
    bytes.resize(bytes.size() - cut);
    writeBytes(path, bytes);
}

void writeCifar10(const std::string& dir, int skipBatch = 0, std::uint8_t badLabel = 0) {
    for (int b = 1; b <= 5; ++b)
        if (b != skipBatch)
            writeCifar(dir + "/data_batch_" + std::to_string(b) + ".bin",
                       {{static_cast<std::uint8_t>(b)}, {static_cast<std::uint8_t>(b == 5 ? badLabel : 0)}},
                       static_cast<std::uint32_t>(b));
    writeCifar(dir + "/test_batch.bin", {{3}, {4}, {5}}, 9);
}

/// Minimal HDF5 writer over the C API for fixtures.
class H5Fixture {
public:
    explicit H5Fixture(const std::string& path)
        : m_file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) {}
    ~H5Fixture() { H5Fclose(m_file); }
    H5Fixture(const H5Fixture&) = delete;
    H5Fixture& operator=(const H5Fixture&) = delete;

    template <typename T>
    void write(const char* name, hid_t type, const std::vector<hsize_t>& dims, const std::vector<T>& data) {
        const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
        const hid_t set = H5Dcreate2(m_file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        QVERIFY(set >= 0);
        QVERIFY(H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) >= 0);
        H5Dclose(set);
        H5Sclose(space);
    }

private:
    hid_t m_file;
};

DataSpec spec(const std::string& name, const std::string& root = {},
              std::optional<std::int64_t> trainLimit = std::nullopt, double validation = 0.0) {
    DataSpec s;
    s.name = name;
    if (!root.empty())
        s.root = root;
    s.trainLimit = trainLimit;
    s.validation = validation;
    return s;
}

std::vector<std::int64_t> labelsOf(std::initializer_list<std::int64_t> l) {
    return l;
}

std::vector<std::int64_t> toVector(const torch::Tensor& t) {
    auto c = t.contiguous();
    return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}

torch::Tensor uint8Tensor(const std::vector<std::uint8_t>& v, torch::IntArrayRef shape) {
    return torch::from_blob(const_cast<std::uint8_t*>(v.data()), shape, torch::kUInt8).to(torch::kFloat32);
}

} // namespace

class TestDatasets : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void fashionMnist();
    void trainLimitKeepsFileOrder();
    void validationSplit();
    void idxRoundTrip_data();
    void idxRoundTrip();
    void cifar10();
    void cifar100();
    void hdf5WithTestSet();
    void hdf5WithoutTestSet();
    void synthetic();
    void badSpec_data();
    void badSpec();
    void corruptFiles_data();
    void corruptFiles();

private:
    DataBundle m_fashion; ///< the real Fashion-MNIST, loaded once (empty when not installed)
};

void TestDatasets::initTestCase() {
    if (!std::filesystem::exists(kFashionRoot + "/train-images-idx3-ubyte.gz"))
        return; // the tests that need it skip themselves
    QElapsedTimer timer;
    timer.start();
    m_fashion = loadData(DataSpec{}, 0);
    qInfo("Fashion-MNIST loaded in %lld ms", static_cast<long long>(timer.elapsed()));
}

void TestDatasets::fashionMnist() {
    if (m_fashion.train.size() == 0)
        QSKIP("dataset-fashion-mnist is not installed");
    const auto& d = m_fashion;
    QCOMPARE(d.train.images.sizes().vec(), (std::vector<std::int64_t>{60000, 1, 28, 28}));
    QCOMPARE(d.test.images.sizes().vec(), (std::vector<std::int64_t>{10000, 1, 28, 28}));
    QCOMPARE(d.train.images.scalar_type(), torch::kFloat32);
    QCOMPARE(d.train.labels.scalar_type(), torch::kLong);
    QCOMPARE(d.test.size(), std::int64_t{10000});
    QCOMPARE(d.validation.size(), std::int64_t{0});
    QCOMPARE(d.numClasses, 10);
    QCOMPARE(d.sampleShape, (std::vector<std::int64_t>{1, 28, 28}));
    QCOMPARE(QString::fromStdString(d.description),
             QStringLiteral("Fashion-MNIST (60000 train, 10000 test)"));
    QCOMPARE(d.train.labels.min().item<std::int64_t>(), std::int64_t{0});
    QCOMPARE(d.train.labels.max().item<std::int64_t>(), std::int64_t{9});
    // Fashion-MNIST is balanced: 6000 per class in train.
    QVERIFY(torch::equal(torch::bincount(d.train.labels), torch::full({10}, 6000, torch::kLong)));
    QVERIFY(std::abs(d.train.images.mean().item<double>()) < 1e-3);
    QVERIFY(std::abs(d.train.images.std().item<double>() - 1.0) < 1e-3);
    // A black pixel maps to -mean/std.
    QVERIFY(std::abs(d.train.images.min().item<double>() + 0.28604 / 0.35302) < 1e-4);
}

void TestDatasets::trainLimitKeepsFileOrder() {
    if (m_fashion.train.size() == 0)
        QSKIP("dataset-fashion-mnist is not installed");
    DataSpec fashion;
    fashion.trainLimit = 1000;
    const auto d = loadData(fashion, 0);
    QCOMPARE(d.train.size(), std::int64_t{1000});
    QCOMPARE(d.test.size(), std::int64_t{10000});
    QCOMPARE(QString::fromStdString(d.description), QStringLiteral("Fashion-MNIST (1000 train, 10000 test)"));
    QVERIFY(torch::equal(d.train.images, m_fashion.train.images.narrow(0, 0, 1000)));
    QVERIFY(torch::equal(d.train.labels, m_fashion.train.labels.narrow(0, 0, 1000)));
}

void TestDatasets::validationSplit() {
    if (m_fashion.train.size() == 0)
        QSKIP("dataset-fashion-mnist is not installed");
    DataSpec fashion;
    fashion.trainLimit = 1000;
    fashion.validation = 0.2;
    const auto a = loadData(fashion, 7);
    QCOMPARE(a.train.size(), std::int64_t{800});
    QCOMPARE(a.validation.size(), std::int64_t{200});
    QCOMPARE(QString::fromStdString(a.description),
             QStringLiteral("Fashion-MNIST (800 train, 200 validation, 10000 test)"));

    // Find each sample's index among the first 1000 by exact image match.
    const auto base = m_fashion.train.images.narrow(0, 0, 1000).flatten(1);
    auto indicesOf = [&base](const TensorDataset& part) {
        const auto [dist, idx] =
            torch::cdist(part.images.flatten(1), base, 2.0, /*compute_mode=exact*/ 2).min(1);
        [&] { QVERIFY(dist.max().item<float>() < 1e-3F); }();
        return toVector(idx);
    };
    const auto trainIdx = indicesOf(a.train);
    const auto validationIdx = indicesOf(a.validation);
    QVERIFY(std::is_sorted(trainIdx.begin(), trainIdx.end())); // the rest keeps file order
    std::set<std::int64_t> all(trainIdx.begin(), trainIdx.end());
    all.insert(validationIdx.begin(), validationIdx.end());
    QCOMPARE(all.size(), std::size_t{1000}); // disjoint and complete
    QVERIFY(torch::equal(a.validation.labels,
                         m_fashion.train.labels.index_select(0, torch::tensor(validationIdx, torch::kLong))));

    const auto same = loadData(fashion, 7);
    QVERIFY(torch::equal(same.validation.images, a.validation.images));
    QVERIFY(torch::equal(same.train.labels, a.train.labels));
    const auto other = loadData(fashion, 8);
    QCOMPARE(other.validation.size(), std::int64_t{200});
    QVERIFY(!torch::equal(other.validation.images, a.validation.images));
}

void TestDatasets::idxRoundTrip_data() {
    QTest::addColumn<bool>("gz");
    QTest::addRow("plain") << false;
    QTest::addRow("gzip") << true;
}

void TestDatasets::idxRoundTrip() {
    QFETCH(bool, gz);
    QTemporaryDir dir;
    MnistFixture fixture;
    fixture.gz = gz;
    fixture.write(dir.path().toStdString());
    for (const auto& [name, mean, stdev] :
         {std::tuple{"mnist", 0.1307, 0.3081}, std::tuple{"kmnist", 0.1918, 0.3483},
          std::tuple{"fashion-mnist", 0.28604, 0.35302}}) {
        const auto d = loadData(spec(name, dir.path().toStdString()), 0);
        QCOMPARE(d.train.images.sizes().vec(), (std::vector<std::int64_t>{3, 1, 28, 28}));
        QCOMPARE(toVector(d.train.labels), labelsOf({1, 2, 3}));
        QCOMPARE(toVector(d.test.labels), labelsOf({9, 0}));
        const auto expected = (uint8Tensor(fixture.trainPixels(), {3, 1, 28, 28}) / 255.0 - mean) / stdev;
        QVERIFY(torch::allclose(d.train.images, expected, 1e-5, 1e-5));
        const auto expectedTest = (uint8Tensor(pattern(2 * 784, 2), {2, 1, 28, 28}) / 255.0 - mean) / stdev;
        QVERIFY(torch::allclose(d.test.images, expectedTest, 1e-5, 1e-5));
    }
}

void TestDatasets::cifar10() {
    QTemporaryDir dir;
    writeCifar10(dir.path().toStdString());
    const auto d = loadData(spec("cifar10", dir.path().toStdString()), 0);
    QCOMPARE(d.train.images.sizes().vec(), (std::vector<std::int64_t>{10, 3, 32, 32}));
    QCOMPARE(d.sampleShape, (std::vector<std::int64_t>{3, 32, 32}));
    QCOMPARE(d.numClasses, 10);
    QCOMPARE(toVector(d.train.labels), labelsOf({1, 0, 2, 0, 3, 0, 4, 0, 5, 0})); // batches in order
    QCOMPARE(toVector(d.test.labels), labelsOf({3, 4, 5}));
    QCOMPARE(QString::fromStdString(d.description), QStringLiteral("CIFAR-10 (10 train, 3 test)"));
    // Record 1 of data_batch_3 is train sample 5; channel 1 uses the green statistics.
    const auto raw = uint8Tensor(pattern(3072, 3 * 100 + 1), {3, 32, 32});
    const auto mean = torch::tensor({0.4914F, 0.4822F, 0.4465F}).view({3, 1, 1});
    const auto stdev = torch::tensor({0.2023F, 0.1994F, 0.2010F}).view({3, 1, 1});
    QVERIFY(torch::allclose(d.train.images[5], (raw / 255.0 - mean) / stdev, 1e-5, 1e-5));
}

void TestDatasets::cifar100() {
    QTemporaryDir dir;
    // The archive's own subfolder is accepted as well as the folder holding the files.
    const std::string sub = dir.path().toStdString() + "/cifar-100-binary";
    std::filesystem::create_directory(sub);
    writeCifar(sub + "/train.bin", {{1, 99}, {2, 42}, {19, 7}, {0, 0}}, 1);
    writeCifar(sub + "/test.bin", {{3, 55}, {4, 66}}, 2);
    const auto d = loadData(spec("cifar100", dir.path().toStdString()), 0);
    QCOMPARE(d.numClasses, 100);
    QCOMPARE(toVector(d.train.labels), labelsOf({99, 42, 7, 0})); // fine labels
    QCOMPARE(toVector(d.test.labels), labelsOf({55, 66}));
    const auto raw = uint8Tensor(pattern(3072, 2 * 100 + 1), {3, 32, 32});
    const auto mean = torch::tensor({0.5071F, 0.4867F, 0.4408F}).view({3, 1, 1});
    const auto stdev = torch::tensor({0.2675F, 0.2565F, 0.2761F}).view({3, 1, 1});
    QVERIFY(torch::allclose(d.test.images[1], (raw / 255.0 - mean) / stdev, 1e-5, 1e-5));
}

void TestDatasets::hdf5WithTestSet() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/data.h5";
    const auto pixels = pattern(10 * 2 * 4 * 4, 5);
    {
        H5Fixture h5(path);
        h5.write("X", H5T_NATIVE_UINT8, {10, 2, 4, 4}, pixels);
        h5.write("y", H5T_NATIVE_INT32, {10}, std::vector<std::int32_t>{0, 1, 2, 3, 4, 5, 0, 1, 2, 3});
        h5.write("X_test", H5T_NATIVE_UINT8, {3, 2, 4, 4}, pattern(3 * 32, 6));
        h5.write("y_test", H5T_NATIVE_INT64, {3}, std::vector<std::int64_t>{7, 0, 1});
    }
    const auto d = loadData(spec("hdf5", path, std::nullopt, 0.2), 3);
    QCOMPARE(d.numClasses, 8); // max label over train and test + 1
    QCOMPARE(d.sampleShape, (std::vector<std::int64_t>{2, 4, 4}));
    QCOMPARE(d.train.size() + d.validation.size(), std::int64_t{10});
    QCOMPARE(d.validation.size(), std::int64_t{2});
    QCOMPARE(toVector(d.test.labels), labelsOf({7, 0, 1}));
    QVERIFY(torch::allclose(d.test.images, uint8Tensor(pattern(3 * 32, 6), {3, 2, 4, 4}) / 255.0));
    QCOMPARE(QString::fromStdString(d.description),
             QStringLiteral("HDF5 data.h5 (8 train, 2 validation, 3 test)"));
}

void TestDatasets::hdf5WithoutTestSet() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/plain.h5";
    std::vector<float> x(12 * 5 * 5);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>(i) * 0.5F - 3.0F;
    std::vector<std::int64_t> y{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 4, 1};
    {
        H5Fixture h5(path);
        h5.write("X", H5T_NATIVE_FLOAT, {12, 5, 5}, x); // rank 3: one channel
        h5.write("y", H5T_NATIVE_INT64, {12}, y);
    }
    const auto d = loadData(spec("hdf5", path), 0);
    QCOMPARE(d.sampleShape, (std::vector<std::int64_t>{1, 5, 5}));
    // The last 1/6 of the samples in file order are the test set.
    QCOMPARE(d.train.size(), std::int64_t{10});
    QCOMPARE(toVector(d.test.labels), labelsOf({4, 1}));
    QCOMPARE(d.numClasses, 5);
    const auto all = torch::from_blob(x.data(), {12, 1, 5, 5}, torch::kFloat32);
    QVERIFY(torch::equal(d.train.images, all.narrow(0, 0, 10))); // float is taken as is
    QVERIFY(torch::equal(d.test.images, all.narrow(0, 10, 2)));
}

void TestDatasets::synthetic() {
    const auto a = loadData(spec("synthetic"), 11);
    const auto b = loadData(spec("synthetic"), 11);
    const auto c = loadData(spec("synthetic"), 12);
    QCOMPARE(a.train.images.sizes().vec(), (std::vector<std::int64_t>{2048, 1, 28, 28}));
    QCOMPARE(a.test.size(), std::int64_t{512});
    QCOMPARE(a.numClasses, 10);
    QVERIFY(torch::equal(a.train.images, b.train.images));
    QVERIFY(torch::equal(a.test.labels, b.test.labels));
    QVERIFY(!torch::equal(a.train.images, c.train.images));
    QVERIFY(a.train.labels.min().item<std::int64_t>() >= 0 && a.train.labels.max().item<std::int64_t>() <= 9);

    // Learnable: the nearest class mean of the training set classifies the test set.
    const auto x = a.train.images.flatten(1);
    auto means = torch::zeros({10, x.size(1)});
    means.index_add_(0, a.train.labels, x).div_(torch::bincount(a.train.labels, {}, 10).unsqueeze(1));
    const auto predicted = torch::cdist(a.test.images.flatten(1), means).argmin(1);
    QVERIFY(predicted.eq(a.test.labels).to(torch::kFloat32).mean().item<float>() > 0.95F);

    const auto limited = loadData(spec("synthetic", {}, 100), 11);
    QVERIFY(torch::equal(limited.train.images, a.train.images.narrow(0, 0, 100)));

    // CIFAR-shaped for the CIFAR architectures, equally learnable.
    const auto cifar = loadData(spec("synthetic-cifar"), 11);
    QCOMPARE(cifar.train.images.sizes().vec(), (std::vector<std::int64_t>{2048, 3, 32, 32}));
    QCOMPARE(cifar.sampleShape, (std::vector<std::int64_t>{3, 32, 32}));
    auto cifarMeans = torch::zeros({10, 3 * 32 * 32});
    cifarMeans.index_add_(0, cifar.train.labels, cifar.train.images.flatten(1))
        .div_(torch::bincount(cifar.train.labels, {}, 10).unsqueeze(1));
    const auto cifarPredicted = torch::cdist(cifar.test.images.flatten(1), cifarMeans).argmin(1);
    QVERIFY(cifarPredicted.eq(cifar.test.labels).to(torch::kFloat32).mean().item<float>() > 0.95F);
}

void TestDatasets::badSpec_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<qint64>("trainLimit");
    QTest::addColumn<double>("validation");
    QTest::addColumn<QString>("message");
    QTest::addRow("unknown name") << "imagenet" << qint64(-1) << 0.0
                                  << "unknown dataset 'imagenet' (valid: fashion-mnist, mnist, kmnist, "
                                     "cifar10, cifar100, hdf5, synthetic, synthetic-cifar)";
    QTest::addRow("zero train_limit") << "synthetic" << qint64(0) << 0.0 << "data.train_limit";
    QTest::addRow("negative validation") << "synthetic" << qint64(-1) << -0.1 << "data.validation";
    QTest::addRow("validation one") << "synthetic" << qint64(-1) << 1.0 << "data.validation";
    QTest::addRow("validation leaves nothing")
        << "synthetic" << qint64(1) << 0.9 << "leaves no training samples";
}

void TestDatasets::badSpec() {
    QFETCH(QString, name);
    QFETCH(qint64, trainLimit);
    QFETCH(double, validation);
    QFETCH(QString, message);
    const auto limit = trainLimit >= 0 ? std::optional<std::int64_t>(trainLimit) : std::nullopt;
    try {
        loadData(spec(name.toStdString(), {}, limit, validation), 0);
        QFAIL("no InputError");
    } catch (const InputError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(message), e.what());
    }
}

void TestDatasets::corruptFiles_data() {
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("file");    // must appear in the message
    QTest::addColumn<QString>("problem"); // must appear in the message
    QTest::addRow("idx missing file") << "idx-missing"
                                      << "train-images-idx3-ubyte.gz"
                                      << "not found";
    QTest::addRow("idx bad magic") << "idx-magic"
                                   << "train-images-idx3-ubyte"
                                   << "bad IDX magic";
    QTest::addRow("idx truncated") << "idx-truncated"
                                   << "train-images-idx3-ubyte"
                                   << "truncated";
    QTest::addRow("idx truncated gzip") << "idx-truncated-gz"
                                        << "train-images-idx3-ubyte.gz"
                                        << "truncated";
    QTest::addRow("idx count mismatch") << "idx-count"
                                        << "train-labels-idx1-ubyte"
                                        << "holds 3 images";
    QTest::addRow("idx wrong image size") << "idx-size"
                                          << "train-images-idx3-ubyte"
                                          << "wrong image size";
    QTest::addRow("idx label out of range") << "idx-label"
                                            << "train-labels-idx1-ubyte"
                                            << "out of range";
    QTest::addRow("cifar missing batch") << "cifar-missing"
                                         << "data_batch_3.bin"
                                         << "not found";
    QTest::addRow("cifar truncated") << "cifar-truncated"
                                     << "test_batch.bin"
                                     << "truncated";
    QTest::addRow("cifar label out of range") << "cifar-label"
                                              << "data_batch_5.bin"
                                              << "out of range";
    QTest::addRow("hdf5 missing file") << "h5-nofile"
                                       << "data.h5"
                                       << "not found";
    QTest::addRow("hdf5 not hdf5") << "h5-text"
                                   << "data.h5"
                                   << "not a readable HDF5";
    QTest::addRow("hdf5 missing X") << "h5-no-x"
                                    << "data.h5"
                                    << "missing dataset 'X'";
    QTest::addRow("hdf5 missing y_test") << "h5-no-ytest"
                                         << "data.h5"
                                         << "missing dataset 'y_test'";
    QTest::addRow("hdf5 wrong rank") << "h5-rank"
                                     << "data.h5"
                                     << "'X' has rank 2";
    QTest::addRow("hdf5 length mismatch") << "h5-length"
                                          << "data.h5"
                                          << "holds 6 samples but 'y' holds 5";
    QTest::addRow("hdf5 negative label") << "h5-negative"
                                         << "data.h5"
                                         << "negative label -1";
    QTest::addRow("hdf5 float labels") << "h5-float-y"
                                       << "data.h5"
                                       << "integer labels";
}

void TestDatasets::corruptFiles() {
    QFETCH(QString, fixture);
    QFETCH(QString, file);
    QFETCH(QString, problem);
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    const std::string h5 = dir + "/data.h5";
    DataSpec data = spec("mnist", dir);
    const auto kind = fixture.toStdString();

    if (kind.starts_with("idx")) {
        MnistFixture m;
        m.gz = kind == "idx-missing" || kind == "idx-truncated-gz";
        m.writeTrainImages = kind != "idx-missing";
        if (kind == "idx-magic")
            m.imageMagic = 0x00000903;
        if (kind == "idx-truncated")
            m.cutImageBytes = 100;
        if (kind == "idx-count")
            m.labels = 2;
        if (kind == "idx-size")
            m.rows = 27;
        if (kind == "idx-label")
            m.firstLabel = 10;
        m.write(dir);
        if (kind == "idx-truncated-gz") {
            const auto path = dir + "/train-images-idx3-ubyte.gz";
            std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
        }
    } else if (kind.starts_with("cifar")) {
        data.name = "cifar10";
        writeCifar10(dir, kind == "cifar-missing" ? 3 : 0, kind == "cifar-label" ? 10 : 0);
        if (kind == "cifar-truncated")
            writeCifar(dir + "/test_batch.bin", {{3}, {4}}, 9, /*cut=*/1);
    } else {
        data = spec("hdf5", h5);
        const std::vector<std::uint8_t> x = pattern(6 * 16, 3);
        if (kind == "h5-text") {
            writeBytes(h5, {'n', 'o', 't', ' ', 'h', 'd', 'f'});
        } else if (kind != "h5-nofile") {
            H5Fixture f(h5);
            if (kind == "h5-rank")
                f.write("X", H5T_NATIVE_UINT8, {6, 16}, x);
            else if (kind != "h5-no-x")
                f.write("X", H5T_NATIVE_UINT8, {6, 4, 4}, x);
            if (kind == "h5-float-y")
                f.write("y", H5T_NATIVE_FLOAT, {6}, std::vector<float>(6, 1.0F));
            else if (kind == "h5-length")
                f.write("y", H5T_NATIVE_INT64, {5}, std::vector<std::int64_t>(5, 1));
            else
                f.write("y", H5T_NATIVE_INT64, {6},
                        std::vector<std::int64_t>{0, 1, 2, kind == "h5-negative" ? -1 : 3, 0, 1});
            if (kind == "h5-no-ytest")
                f.write("X_test", H5T_NATIVE_UINT8, {6, 4, 4}, x);
        }
    }

    try {
        loadData(data, 0);
        QFAIL("no InputError");
    } catch (const InputError& e) {
        const QString message = QString::fromUtf8(e.what());
        qInfo("%s", e.what()); // the log doubles as a catalogue of the messages users see
        QVERIFY2(message.contains(file), e.what());
        QVERIFY2(message.contains(problem), e.what());
    }
}

ESPALIER_TEST_MAIN(TestDatasets)

} // namespace tst_datasets

#include "tst_datasets.moc"
