#include "layercsv.h"

#include "atomicfile.h"
#include "csvtext.h"

namespace espalier::core {

namespace {

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string text;
    for (std::int64_t d : shape) {
        if (!text.empty())
            text += 'x';
        text += std::to_string(d);
    }
    return text;
}

} // namespace

std::string layerCsv(const std::vector<LayerStats>& layers)
{
    std::string csv = "name,shape,numel,kept,density,floor,locked,collapsed,effective_kept,channels,kept_channels\r\n";
    for (const LayerStats& l : layers) {
        csv += csvField(l.name) + "," + shapeText(l.shape) + "," + std::to_string(l.numel) + "," +
               std::to_string(l.kept) + "," + csvNumber(l.density()) + "," + csvNumber(l.floor) + "," +
               (l.locked ? "1" : "0") + "," + (l.collapsed ? "1" : "0") + "," + std::to_string(l.effectiveKept) +
               "," + std::to_string(l.channels) + "," + std::to_string(l.keptChannels) + "\r\n";
    }
    return csv;
}

void writeLayerCsv(const std::string& path, const std::vector<LayerStats>& layers)
{
    writeFileAtomically(path, layerCsv(layers));
}

} // namespace espalier::core
