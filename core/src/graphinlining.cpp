#include "graphinlining.h"

#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/runtime/graph_iterator.h>

namespace espalier::core {
namespace {

bool hasCalls(torch::jit::Block* block)
{
    for (auto* node : block->nodes()) {
        if (node->kind() == c10::prim::CallMethod || node->kind() == c10::prim::CallFunction)
            return true;
        for (auto* inner : node->blocks())
            if (hasCalls(inner))
                return true;
    }
    return false;
}

} // namespace

std::shared_ptr<torch::jit::Graph> inlinedForward(const torch::jit::Module& module)
{
    // A module loaded from a file inlines one call level per pass (its callees' graphs are not
    // pre-inlined as freshly compiled ones are), so inline until no call is left.
    constexpr int kMaxDepth = 64;
    auto graph = module.get_method("forward").graph()->copy();
    for (int depth = 0; depth < kMaxDepth && hasCalls(graph->block()); ++depth)
        torch::jit::Inline(*graph);
    return graph;
}

void specialiseForInference(std::shared_ptr<torch::jit::Graph>& graph)
{
    std::vector<torch::jit::Node*> reads;
    for (torch::jit::DepthFirstGraphNodeIterator it(graph); auto* node = it.next();)
        if (node->kind() == c10::prim::GetAttr && node->s(c10::attr::name) == "training")
            reads.push_back(node);
    if (reads.empty())
        return;
    torch::jit::Value* falseValue = nullptr;
    {
        torch::jit::WithInsertPoint start(graph->block()->nodes().front());
        falseValue = graph->insertConstant(false);
    }
    for (auto* node : reads)
        node->output()->replaceAllUsesWith(falseValue);
    torch::jit::ConstantPropagation(graph);
    torch::jit::EliminateDeadCode(graph);
}

std::optional<c10::IValue> constantValue(const torch::jit::Value* v)
{
    return torch::jit::toIValue(v);
}

std::optional<std::int64_t> constantInt(const torch::jit::Value* v)
{
    auto c = constantValue(v);
    if (c && c->isInt())
        return c->toInt();
    return std::nullopt;
}

std::optional<std::vector<std::int64_t>> constantInts(const torch::jit::Value* v)
{
    auto c = constantValue(v);
    if (c && c->isIntList())
        return c->toIntVector();
    const auto* n = v->node();
    if (n->kind() != c10::prim::ListConstruct)
        return std::nullopt;
    std::vector<std::int64_t> out;
    for (const auto* in : n->inputs()) {
        auto i = constantInt(in);
        if (!i)
            return std::nullopt;
        out.push_back(*i);
    }
    return out;
}

std::string describeNode(const torch::jit::Node* node)
{
    std::string text = node->kind().toQualString();
    const auto range = node->sourceRange();
    if (range.source()) {
        auto line = range.text().str();
        if (auto nl = line.find('\n'); nl != std::string::npos)
            line = line.substr(0, nl);
        if (!line.empty())
            text += " (" + line + ")";
    }
    return text;
}

std::string attributePath(const torch::jit::Value* weight)
{
    // prim::GetAttr chains from self: conv1 → weight gives "conv1.weight".
    std::vector<std::string> parts;
    const auto* v = weight;
    while (v->node()->kind() == c10::prim::GetAttr) {
        parts.insert(parts.begin(), v->node()->s(c10::attr::name));
        v = v->node()->input();
    }
    std::string name;
    for (const auto& p : parts)
        name += (name.empty() ? "" : ".") + p;
    return name.empty() ? "layer" : name;
}

} // namespace espalier::core
