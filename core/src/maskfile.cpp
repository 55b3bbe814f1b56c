#include "maskfile.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "atomicfile.h"
#include "espalier/core/errors.h"
#include "hdf5file.h"

namespace espalier::core {

namespace {

constexpr const char* kMasksFormat = "espalier-masks";
constexpr std::int64_t kMaskFileVersion = 1;

std::string joinPath(const h5::Group& group, const std::string& name) {
    return group.path() == "/" ? "/" + name : group.path() + "/" + name;
}

MaskData readMask(const h5::Group& group, const std::string& dataset, const std::string& name) {
    MaskData mask;
    mask.name = name;
    mask.mask = group.readDataset<std::uint8_t>(dataset, &mask.shape);
    const auto bad = std::find_if(mask.mask.begin(), mask.mask.end(), [](std::uint8_t v) { return v > 1; });
    if (bad != mask.mask.end())
        group.fail(joinPath(group, dataset),
                   "holds the value " + std::to_string(int(*bad)) + "; a mask holds only 0 and 1");
    return mask;
}

void readScores(const h5::Group& scores, MaskData& mask) {
    if (!scores.has(mask.name))
        return;
    std::vector<std::int64_t> shape;
    mask.scores = scores.readDataset<float>(mask.name, &shape);
    if (shape != mask.shape)
        scores.fail(joinPath(scores, mask.name), "scores do not have the shape of the mask");
}

} // namespace

void checkMaskData(const std::string& path, const MaskData& mask) {
    const auto fail = [&](const std::string& what) {
        throw std::runtime_error("cannot write '" + path + "': tensor '" + mask.name + "': " + what);
    };
    if (mask.name.empty())
        fail("empty parameter name");
    std::int64_t numel = 1;
    for (std::int64_t d : mask.shape) {
        if (d < 0)
            fail("negative dimension in its shape");
        numel *= d;
    }
    if (std::int64_t(mask.mask.size()) != numel)
        fail("mask has " + std::to_string(mask.mask.size()) + " entries, its shape needs " +
             std::to_string(numel));
    if (!mask.scores.empty() && mask.scores.size() != mask.mask.size())
        fail("has " + std::to_string(mask.scores.size()) + " scores for " + std::to_string(mask.mask.size()) +
             " mask entries");
}

void writeMasksFile(const std::string& path, const std::vector<MaskData>& masks) {
    for (const MaskData& mask : masks)
        checkMaskData(path, mask);
    AtomicFile out(path);
    h5::File file = h5::File::create(out.tempPath(), path);
    {
        const h5::Group root = file.root();
        root.writeString("format", kMasksFormat);
        root.writeInt64("format_version", kMaskFileVersion);
        root.writeString("espalier_version", ESPALIER_VERSION);
        const h5::Group group = root.createGroup("masks");
        for (const MaskData& mask : masks)
            group.writeDataset(mask.name, mask.shape, mask.mask);
        if (std::any_of(masks.begin(), masks.end(), [](const MaskData& m) { return !m.scores.empty(); })) {
            const h5::Group scores = root.createGroup("scores");
            for (const MaskData& mask : masks) {
                if (!mask.scores.empty())
                    scores.writeDataset(mask.name, mask.shape, mask.scores);
            }
        }
    }
    file.close();
    out.commit();
}

std::vector<MaskData> readMasksFile(const std::string& path) {
    h5::File file = h5::File::open(path);
    std::vector<MaskData> masks;
    {
        const h5::Group root = file.root();
        const std::string format = root.hasAttribute("format") ? root.readString("format") : std::string();
        if (format != kMasksFormat && format != "espalier-report" && !(format.empty() && root.hasGroup("masks")))
            throw InputError(path + ": not an Espalier masks file (" +
                             (format.empty() ? std::string("no 'format' attribute and no /masks group")
                                             : "format = '" + format + "'") +
                             ")");
        if (root.hasAttribute("format_version") && root.readInt64("format_version") > kMaskFileVersion)
            throw InputError(path + ": format_version " + std::to_string(root.readInt64("format_version")) +
                             " was written by a newer Espalier (this one reads version 1)");
        if (format == "espalier-report") {
            const h5::Group layers = root.openGroup("layers");
            for (const std::string& name : layers.children())
                masks.push_back(readMask(layers.openGroup(name), "mask", name));
        } else {
            const h5::Group group = root.openGroup("masks");
            for (const std::string& name : group.children())
                masks.push_back(readMask(group, name, name));
            if (root.hasGroup("scores")) {
                const h5::Group scores = root.openGroup("scores");
                for (MaskData& mask : masks)
                    readScores(scores, mask);
            }
        }
    }
    file.close();
    return masks;
}

} // namespace espalier::core
