#include "channelgraph.h"

#include <numeric>

namespace espalier::core {

void assignClassesAndGroups(ChannelGraph& graph, const std::vector<int>& rootOf, const std::vector<std::string>& atomBlock)
{
    const int atoms = static_cast<int>(rootOf.size());
    std::vector<int> classOfRoot(atoms, -1);
    graph.classOf.assign(atoms, -1);
    for (int a = 0; a < atoms; ++a) {
        const int r = rootOf[a];
        if (classOfRoot[r] < 0)
            classOfRoot[r] = graph.classCount++;
        graph.classOf[a] = classOfRoot[r];
    }
    graph.blockedBy.assign(graph.classCount, "");
    std::vector<bool> hasLayer(graph.classCount, false);
    for (int a = 0; a < atoms; ++a) {
        auto& why = graph.blockedBy[graph.classOf[a]];
        if (why.empty())
            why = atomBlock[a];
        if (graph.atomLayer[a] >= 0)
            hasLayer[graph.classOf[a]] = true;
    }
    for (int c = 0; c < graph.classCount; ++c)
        if (!hasLayer[c] && graph.blockedBy[c].empty())
            graph.blockedBy[c] = "padding only";

    // Coupled groups: layers that share a class are allocated together.
    std::vector<int> layerParent(graph.layers.size());
    std::iota(layerParent.begin(), layerParent.end(), 0);
    auto layerRoot = [&](int l) {
        while (layerParent[l] != l)
            l = layerParent[l] = layerParent[layerParent[l]];
        return l;
    };
    std::vector<int> firstLayerOfClass(graph.classCount, -1);
    for (int a = 0; a < atoms; ++a) {
        const int l = graph.atomLayer[a];
        if (l < 0)
            continue;
        int& first = firstLayerOfClass[graph.classOf[a]];
        if (first < 0)
            first = l;
        else
            layerParent[std::max(layerRoot(first), layerRoot(l))] = std::min(layerRoot(first), layerRoot(l));
    }
    std::vector<int> groupOfRoot(graph.layers.size(), -1);
    graph.groupOf.assign(graph.classCount, -1);
    for (int c = 0; c < graph.classCount; ++c) {
        if (firstLayerOfClass[c] < 0)
            continue;
        const int r = layerRoot(firstLayerOfClass[c]);
        if (groupOfRoot[r] < 0)
            groupOfRoot[r] = graph.groupCount++;
        graph.groupOf[c] = groupOfRoot[r];
    }
}

} // namespace espalier::core
