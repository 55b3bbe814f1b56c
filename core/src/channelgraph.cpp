#include "channelgraph.h"

#include <optional>
#include <unordered_map>

#include "graphinlining.h"
#include "moduleaccess.h"

namespace espalier::core {
namespace {

using torch::jit::Node;
using torch::jit::Value;

/// Where a tensor value keeps its channels: dimension 1 of a rank-`rank` tensor, the last
/// dimension of a Linear output whose rank is unknown, or flattened (channel c covers a block of
/// consecutive features whose length the consuming Linear tells).
enum class Layout { Dim1, Last, Flat };

struct Channels {
    std::vector<int> atoms;
    Layout layout = Layout::Dim1;
    int rank = -1;
};

struct Info {
    enum class Kind { None, Module, Tensor, NoneAttribute, IntAttribute, Channels, List } kind = Kind::None;
    std::string path; ///< module path, tensor name or attribute name
    Channels channels;
    std::vector<const Value*> items;
};

class Walker {
public:
    explicit Walker(const torch::jit::Module& module) : module_(module) {}

    ChannelGraph run()
    {
        auto graph = inlinedForward(module_);
        specialiseForInference(graph);
        Info self;
        self.kind = Info::Kind::Module;
        info_[graph->inputs()[0]] = self;
        for (auto* node : graph->nodes())
            visit(node);
        for (auto* output : graph->outputs())
            blockValue(output, "the network output");
        return finish();
    }

private:
    const torch::jit::Module& module_;
    ChannelGraph graph_;
    std::unordered_map<const Value*, Info> info_;
    std::vector<int> parent_;
    std::vector<std::string> atomBlock_;

    // A tensor argument that is None or a named parameter/buffer; anything else cannot be resized.
    bool namedOrNone(const Value* v) const
    {
        auto c = constantValue(v);
        const auto* i = find(v);
        return (c && c->isNone()) || (i && i->kind == Info::Kind::NoneAttribute) || tensorName(v).has_value();
    }

    const Info* find(const Value* v) const
    {
        auto it = info_.find(v);
        return it == info_.end() ? nullptr : &it->second;
    }
    const Channels* channelsOf(const Value* v) const
    {
        const auto* i = find(v);
        return i && i->kind == Info::Kind::Channels ? &i->channels : nullptr;
    }
    std::optional<std::string> tensorName(const Value* v) const
    {
        const auto* i = find(v);
        if (i && i->kind == Info::Kind::Tensor)
            return i->path;
        return std::nullopt;
    }
    int newAtom(int layer)
    {
        const int atom = static_cast<int>(parent_.size());
        parent_.push_back(atom);
        atomBlock_.emplace_back();
        graph_.atomLayer.push_back(layer);
        return atom;
    }
    int root(int a)
    {
        while (parent_[a] != a)
            a = parent_[a] = parent_[parent_[a]];
        return a;
    }
    void join(int a, int b)
    {
        a = root(a);
        b = root(b);
        if (a != b)
            parent_[std::max(a, b)] = std::min(a, b);
    }
    void blockAtoms(const std::vector<int>& atoms, const std::string& why)
    {
        for (int a : atoms)
            if (a >= 0 && atomBlock_[a].empty())
                atomBlock_[a] = why;
    }
    void blockValue(const Value* v, const std::string& why)
    {
        const auto* i = find(v);
        if (!i)
            return;
        if (i->kind == Info::Kind::Channels)
            blockAtoms(i->channels.atoms, why);
        else if (i->kind == Info::Kind::List)
            for (const auto* item : i->items)
                blockValue(item, why);
    }
    void blockInputs(const Node* node)
    {
        const auto why = describeNode(node);
        for (const auto* in : node->inputs())
            blockValue(in, why);
        for (const auto* block : node->blocks())
            for (const auto* inner : block->nodes())
                blockInputs(inner);
        for (const auto* block : node->blocks())
            for (const auto* out : block->outputs())
                blockValue(out, why);
    }
    void setChannels(const Value* v, Channels c)
    {
        Info i;
        i.kind = Info::Kind::Channels;
        i.channels = std::move(c);
        info_[v] = std::move(i);
    }
    void addSlice(ChannelSlice::Role role, const std::string& tensor, int dim, std::int64_t expand,
                  std::vector<int> atoms)
    {
        graph_.slices.push_back(ChannelSlice{role, tensor, dim, expand, std::move(atoms)});
    }

    // A new layer of output channels for the Conv/Linear weight `weight`.
    std::vector<int> produce(const std::string& weight, std::int64_t channels)
    {
        ChannelLayer layer;
        layer.weight = weight;
        layer.name = endsWith(weight, ".weight") ? weight.substr(0, weight.size() - 7) : weight;
        layer.firstAtom = static_cast<int>(parent_.size());
        layer.channels = channels;
        graph_.layers.push_back(layer);
        std::vector<int> atoms;
        for (std::int64_t c = 0; c < channels; ++c)
            atoms.push_back(newAtom(static_cast<int>(graph_.layers.size()) - 1));
        addSlice(ChannelSlice::Role::Producer, weight, 0, 1, atoms);
        return atoms;
    }

    void visit(Node* node)
    {
        const auto kind = node->kind();
        const std::string name = kind.toQualString();
        if (!node->blocks().empty())
            return controlFlow(node);
        if (kind == c10::prim::Constant)
            return;
        if (kind == c10::prim::GetAttr)
            return getAttr(node);
        if (kind == c10::prim::ListConstruct) {
            Info i;
            i.kind = Info::Kind::List;
            for (const auto* in : node->inputs())
                i.items.push_back(in);
            info_[node->output()] = std::move(i);
            return;
        }
        if (name == "aten::conv2d")
            return conv(node);
        if (name == "aten::linear")
            return linear(node);
        if (name == "aten::batch_norm")
            return batchNorm(node);
        if (name == "aten::relu" || name == "aten::relu_" || name == "aten::relu6" || name == "aten::hardtanh" ||
            name == "aten::hardtanh_" || name == "aten::leaky_relu" || name == "aten::leaky_relu_" ||
            name == "aten::tanh" || name == "aten::dropout" || name == "aten::dropout_" ||
            name == "aten::feature_dropout" || name == "aten::contiguous" || name == "aten::clone" ||
            name == "aten::detach")
            return passThrough(node, -1);
        if (name == "aten::max_pool2d" || name == "aten::avg_pool2d" || name == "aten::adaptive_avg_pool2d" ||
            name == "aten::adaptive_max_pool2d")
            return passThrough(node, 4);
        if (name == "aten::flatten")
            return flatten(node);
        if (name == "aten::view" || name == "aten::reshape")
            return reshape(node);
        if (name == "aten::mean" || name == "aten::sum" || name == "aten::amax")
            return reduce(node);
        if (name == "aten::add" || name == "aten::add_" || name == "aten::sub" || name == "aten::sub_")
            return add(node);
        if (name == "aten::mul" || name == "aten::mul_" || name == "aten::div" || name == "aten::div_")
            return scale(node);
        if (name == "aten::slice")
            return slice(node);
        if (name == "aten::constant_pad_nd")
            return pad(node);
        if (name == "aten::cat")
            return concatenate(node);
        if (name == "aten::size" || name == "aten::dim" || name == "aten::len")
            return;
        blockInputs(node);
    }

    // Branches and loops are walked like straight code (a shape check that raises is harmless),
    // but channels flowing into or out of them are kept: which branch runs is not known here.
    void controlFlow(Node* node)
    {
        const auto why = describeNode(node);
        for (const auto* in : node->inputs())
            blockValue(in, why);
        for (auto* block : node->blocks()) {
            for (auto* inner : block->nodes())
                visit(inner);
            for (const auto* out : block->outputs())
                blockValue(out, why);
        }
    }

    void getAttr(Node* node)
    {
        const auto* parent = find(node->input());
        if (!parent || parent->kind != Info::Kind::Module)
            return;
        const std::string attr = node->s(c10::attr::name);
        Info i;
        i.path = parent->path.empty() ? attr : parent->path + "." + attr;
        if (node->output()->type()->cast<c10::ClassType>()) {
            i.kind = Info::Kind::Module;
        } else {
            // Optional attributes (a Conv's bias) are typed Tensor?; the module says which it is.
            const auto value = attributeOwner(module_, i.path).first.attr(attr);
            if (value.isTensor())
                i.kind = Info::Kind::Tensor;
            else if (value.isNone())
                i.kind = Info::Kind::NoneAttribute;
            else if (value.isInt())
                i.kind = Info::Kind::IntAttribute;
            else
                return;
        }
        info_[node->output()] = std::move(i);
    }

    // Input channels of a consumer's weight (dimension 1), or a blocked input when they do not fit.
    void consume(const Node* node, const std::string& weight, std::int64_t inputs, bool linear)
    {
        const auto* in = channelsOf(node->inputs()[0]);
        if (!in)
            return;
        const auto n = static_cast<std::int64_t>(in->atoms.size());
        std::int64_t expand = 0;
        if (in->layout == Layout::Flat && n > 0 && inputs % n == 0)
            expand = inputs / n;
        else if (in->layout == Layout::Dim1 && n == inputs && (!linear || in->rank == 2))
            expand = 1;
        else if (in->layout == Layout::Last && linear && n == inputs)
            expand = 1;
        if (expand == 0) {
            blockValue(node->inputs()[0], describeNode(node) + ": input channels do not match " + weight);
            return;
        }
        addSlice(ChannelSlice::Role::Consumer, weight, 1, expand, in->atoms);
    }

    void conv(Node* node)
    {
        const auto weight = tensorName(node->inputs()[1]);
        const auto groups = constantInt(node->inputs()[6]);
        if (!weight || !groups || *groups != 1 || !namedOrNone(node->inputs()[2])) {
            blockInputs(node);
            return;
        }
        const auto w = namedTensor(module_, *weight);
        consume(node, *weight, w.size(1), false);
        auto atoms = produce(*weight, w.size(0));
        if (const auto bias = tensorName(node->inputs()[2]))
            addSlice(ChannelSlice::Role::ProducerBias, *bias, 0, 1, atoms);
        setChannels(node->output(), Channels{atoms, Layout::Dim1, 4});
    }

    void linear(Node* node)
    {
        const auto weight = tensorName(node->inputs()[1]);
        if (!weight || !namedOrNone(node->inputs()[2])) {
            blockInputs(node);
            return;
        }
        const auto w = namedTensor(module_, *weight);
        consume(node, *weight, w.size(1), true);
        const auto* in = channelsOf(node->inputs()[0]);
        auto atoms = produce(*weight, w.size(0));
        if (const auto bias = tensorName(node->inputs()[2]))
            addSlice(ChannelSlice::Role::ProducerBias, *bias, 0, 1, atoms);
        const bool rank2 = in && (in->layout == Layout::Flat || (in->layout == Layout::Dim1 && in->rank == 2));
        setChannels(node->output(), Channels{atoms, rank2 ? Layout::Dim1 : Layout::Last, rank2 ? 2 : -1});
    }

    void batchNorm(Node* node)
    {
        const auto* in = channelsOf(node->inputs()[0]);
        bool named = true;
        for (int k = 1; k <= 4; ++k)
            named = named && namedOrNone(node->inputs()[k]);
        if (!in || in->layout != Layout::Dim1 || in->rank < 2 || !named) {
            blockInputs(node);
            return;
        }
        for (int k = 1; k <= 4; ++k)
            if (const auto t = tensorName(node->inputs()[k]))
                addSlice(k == 1   ? ChannelSlice::Role::NormWeight
                         : k == 2 ? ChannelSlice::Role::NormBias
                                  : ChannelSlice::Role::NormStatistic,
                         *t, 0, 1, in->atoms);
        setChannels(node->output(), *in);
    }

    void passThrough(Node* node, int requiredRank)
    {
        const auto* in = channelsOf(node->inputs()[0]);
        if (!in)
            return;
        if (requiredRank > 0 && !(in->layout == Layout::Dim1 && in->rank == requiredRank)) {
            blockInputs(node);
            return;
        }
        setChannels(node->output(), *in);
    }

    void flatten(Node* node)
    {
        const auto* in = channelsOf(node->inputs()[0]);
        if (!in)
            return;
        const auto start = constantInt(node->inputs()[1]);
        const auto end = constantInt(node->inputs()[2]);
        if (in->layout == Layout::Dim1 && in->rank >= 2 && start && end && (*end == -1 || *end == in->rank - 1)) {
            if (*start == 1) {
                Channels out = *in;
                out.layout = in->rank == 2 ? Layout::Dim1 : Layout::Flat;
                out.rank = 2;
                setChannels(node->output(), out);
                return;
            }
            if (*start >= 2) {
                Channels out = *in;
                out.rank = static_cast<int>(*start) + 1;
                setChannels(node->output(), out);
                return;
            }
        }
        blockInputs(node);
    }

    // x.view(x.size(0), -1) and x.reshape(N, -1): the same as flatten(x, 1).
    void reshape(Node* node)
    {
        const auto* in = channelsOf(node->inputs()[0]);
        if (!in)
            return;
        const auto* shape = node->inputs()[1]->node();
        if (in->layout == Layout::Dim1 && shape->kind() == c10::prim::ListConstruct && shape->inputs().size() == 2) {
            const auto last = constantInt(shape->inputs()[1]);
            if (last && *last == -1) {
                Channels out = *in;
                out.layout = in->rank == 2 ? Layout::Dim1 : Layout::Flat;
                out.rank = 2;
                setChannels(node->output(), out);
                return;
            }
        }
        blockInputs(node);
    }

    void reduce(Node* node)
    {
        const auto* in = channelsOf(node->inputs()[0]);
        if (!in)
            return;
        const auto dims = node->inputs().size() > 1 ? constantInts(node->inputs()[1]) : std::nullopt;
        const auto keep = node->inputs().size() > 2 ? constantValue(node->inputs()[2]) : std::nullopt;
        if (in->layout == Layout::Dim1 && in->rank > 2 && dims && !dims->empty() && keep && keep->isBool()) {
            bool spatial = true;
            for (auto d : *dims) {
                const auto dim = d < 0 ? d + in->rank : d;
                spatial = spatial && dim >= 2 && dim < in->rank;
            }
            if (spatial) {
                Channels out = *in;
                if (!keep->toBool())
                    out.rank -= static_cast<int>(dims->size());
                setChannels(node->output(), out);
                return;
            }
        }
        blockInputs(node);
    }

    void add(Node* node)
    {
        const auto* a = channelsOf(node->inputs()[0]);
        const auto* b = channelsOf(node->inputs()[1]);
        const bool bTensor = node->inputs()[1]->type()->cast<c10::TensorType>() != nullptr;
        if (a && !bTensor) {
            setChannels(node->output(), *a);
            return;
        }
        if (a && b && a->atoms.size() == b->atoms.size() && a->layout == b->layout && a->rank == b->rank) {
            for (std::size_t c = 0; c < a->atoms.size(); ++c)
                join(a->atoms[c], b->atoms[c]);
            setChannels(node->output(), *a);
            return;
        }
        if (a || b)
            blockInputs(node);
    }

    void scale(Node* node)
    {
        const auto* a = channelsOf(node->inputs()[0]);
        const bool bTensor = node->inputs()[1]->type()->cast<c10::TensorType>() != nullptr;
        if (a && !bTensor) {
            setChannels(node->output(), *a);
            return;
        }
        blockInputs(node);
    }

    // x[:, :, ::2, ::2] slices every dimension; only a slice of the channel dimension that keeps it
    // whole may pass.
    void slice(Node* node)
    {
        const auto* in = channelsOf(node->inputs()[0]);
        if (!in)
            return;
        const auto dim = constantInt(node->inputs()[1]);
        const auto start = constantValue(node->inputs()[2]);
        const auto end = constantValue(node->inputs()[3]);
        const auto step = constantInt(node->inputs()[4]);
        const bool whole = start && (start->isNone() || (start->isInt() && start->toInt() == 0)) && end &&
                           (end->isNone() || (end->isInt() && end->toInt() >= std::int64_t(in->atoms.size()))) &&
                           step && *step == 1;
        if (in->layout == Layout::Dim1 && dim && (*dim != 1 || whole)) {
            setChannels(node->output(), *in);
            return;
        }
        blockInputs(node);
    }

    void pad(Node* node)
    {
        const auto* in = channelsOf(node->inputs()[0]);
        if (!in)
            return;
        const auto* list = node->inputs()[1]->node();
        if (in->layout != Layout::Dim1 || in->rank < 2 || list->kind() != c10::prim::ListConstruct) {
            blockInputs(node);
            return;
        }
        // pad pairs run from the last dimension backwards; the channel pair is number rank−2.
        const std::size_t pair = 2 * static_cast<std::size_t>(in->rank - 2);
        if (list->inputs().size() <= pair) {
            setChannels(node->output(), *in);
            return;
        }
        ChannelPad p;
        std::int64_t amounts[2] = {0, 0};
        std::string* attributes[2] = {&p.beforeAttribute, &p.afterAttribute};
        for (int side = 0; side < 2; ++side) {
            const auto* v = list->inputs()[pair + side];
            if (auto c = constantInt(v)) {
                amounts[side] = *c;
            } else if (const auto* i = find(v); i && i->kind == Info::Kind::IntAttribute) {
                *attributes[side] = i->path;
                auto [owner, attr] = attributeOwner(module_, i->path);
                amounts[side] = owner.attr(attr).toInt();
            } else {
                blockInputs(node);
                return;
            }
        }
        const bool adjustable = !p.beforeAttribute.empty() && !p.afterAttribute.empty();
        for (std::int64_t k = 0; k < amounts[0]; ++k)
            p.beforeAtoms.push_back(newAtom(-1));
        for (std::int64_t k = 0; k < amounts[1]; ++k)
            p.afterAtoms.push_back(newAtom(-1));
        if (!adjustable) {
            blockAtoms(p.beforeAtoms, describeNode(node) + ": constant channel padding");
            blockAtoms(p.afterAtoms, describeNode(node) + ": constant channel padding");
        }
        Channels out = *in;
        out.atoms = p.beforeAtoms;
        out.atoms.insert(out.atoms.end(), in->atoms.begin(), in->atoms.end());
        out.atoms.insert(out.atoms.end(), p.afterAtoms.begin(), p.afterAtoms.end());
        setChannels(node->output(), out);
        graph_.pads.push_back(std::move(p));
    }

    void concatenate(Node* node)
    {
        const auto* list = find(node->inputs()[0]);
        const auto dim = constantInt(node->inputs()[1]);
        if (!list || list->kind != Info::Kind::List) {
            blockInputs(node);
            return;
        }
        Channels out;
        bool ok = dim && *dim == 1;
        for (std::size_t k = 0; ok && k < list->items.size(); ++k) {
            const auto* c = channelsOf(list->items[k]);
            ok = c && c->layout == Layout::Dim1 && (k == 0 || c->rank == out.rank);
            if (ok) {
                out.rank = c->rank;
                out.atoms.insert(out.atoms.end(), c->atoms.begin(), c->atoms.end());
            }
        }
        if (!ok) {
            blockInputs(node);
            return;
        }
        setChannels(node->output(), out);
    }

    // A layer called twice (shared weights) indexes one tensor dimension twice: its channels
    // must then be pruned together.
    void joinSharedSlices()
    {
        std::unordered_map<std::string, std::size_t> first;
        for (std::size_t s = 0; s < graph_.slices.size(); ++s) {
            const auto& slice = graph_.slices[s];
            const auto key = slice.tensor + "#" + std::to_string(slice.dim);
            auto [it, inserted] = first.emplace(key, s);
            if (inserted)
                continue;
            const auto& other = graph_.slices[it->second];
            if (other.atoms.size() != slice.atoms.size() || other.expand != slice.expand) {
                blockAtoms(other.atoms, slice.tensor + " is used with different channel counts");
                blockAtoms(slice.atoms, slice.tensor + " is used with different channel counts");
                continue;
            }
            for (std::size_t k = 0; k < slice.atoms.size(); ++k)
                join(slice.atoms[k], other.atoms[k]);
        }
    }

    ChannelGraph finish()
    {
        joinSharedSlices();
        std::vector<int> rootOf(parent_.size());
        for (std::size_t a = 0; a < parent_.size(); ++a)
            rootOf[a] = root(int(a));
        assignClassesAndGroups(graph_, rootOf, atomBlock_);
        return std::move(graph_);
    }
};

} // namespace

bool ChannelGraph::prunable(int cls) const
{
    return blockedBy[cls].empty() && groupOf[cls] >= 0;
}

ChannelGraph analyseChannels(const torch::jit::Module& module)
{
    return Walker(module).run();
}

} // namespace espalier::core
