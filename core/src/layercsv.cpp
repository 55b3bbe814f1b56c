#include "layercsv.h"

#include <charconv>

#include "atomicfile.h"

namespace espalier::core {

namespace {

std::string quoted(const std::string& field)
{
    if (field.find_first_of(",\"\r\n") == std::string::npos)
        return field;
    std::string out = "\"";
    for (char c : field)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// Shortest text that reads back as the same double.
std::string number(double value)
{
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    return std::string(text, end);
}

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
    std::string csv = "name,shape,numel,kept,density,floor,locked,collapsed,effective_kept\r\n";
    for (const LayerStats& l : layers) {
        csv += quoted(l.name) + "," + shapeText(l.shape) + "," + std::to_string(l.numel) + "," +
               std::to_string(l.kept) + "," + number(l.density()) + "," + number(l.floor) + "," +
               (l.locked ? "1" : "0") + "," + (l.collapsed ? "1" : "0") + "," + std::to_string(l.effectiveKept) +
               "\r\n";
    }
    return csv;
}

void writeLayerCsv(const std::string& path, const std::vector<LayerStats>& layers)
{
    writeFileAtomically(path, layerCsv(layers));
}

} // namespace espalier::core
