#include "picklereader.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>

namespace espalier::core {

namespace {

using Kind = PickleValue::Kind;

PickleRef make(Kind kind)
{
    auto v = std::make_shared<PickleValue>();
    v->kind = kind;
    return v;
}

PickleRef makeInt(std::int64_t value, Kind kind = Kind::Int)
{
    auto v = make(kind);
    v->integer = value;
    return v;
}

PickleRef makeText(Kind kind, std::string text)
{
    auto v = make(kind);
    v->text = std::move(text);
    return v;
}

c10::ScalarType storageType(const std::string& global)
{
    static const std::map<std::string, c10::ScalarType> kTypes = {
        {"torch.FloatStorage", torch::kFloat32}, {"torch.DoubleStorage", torch::kFloat64},
        {"torch.HalfStorage", torch::kFloat16},  {"torch.BFloat16Storage", torch::kBFloat16},
        {"torch.LongStorage", torch::kInt64},    {"torch.IntStorage", torch::kInt32},
        {"torch.ShortStorage", torch::kInt16},   {"torch.CharStorage", torch::kInt8},
        {"torch.ByteStorage", torch::kUInt8},    {"torch.BoolStorage", torch::kBool}};
    const auto it = kTypes.find(global);
    if (it == kTypes.end())
        throw std::runtime_error("unsupported storage type " + global);
    return it->second;
}

std::vector<std::int64_t> intList(const PickleRef& tuple, const char* what)
{
    if (tuple->kind != Kind::Tuple && tuple->kind != Kind::List)
        throw std::runtime_error(std::string("tensor ") + what + " is not a tuple");
    std::vector<std::int64_t> out;
    for (const auto& item : tuple->items) {
        if (item->kind != Kind::Int)
            throw std::runtime_error(std::string("tensor ") + what + " holds a non-integer");
        out.push_back(item->integer);
    }
    return out;
}

// torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...): a view of the storage, copied
// so that the tensor owns compact memory.
PickleRef rebuildTensor(const PickleRef& args)
{
    if (args->items.size() < 4 || args->items[0]->kind != Kind::Storage || args->items[1]->kind != Kind::Int)
        throw std::runtime_error("malformed tensor record");
    const auto size = intList(args->items[2], "size");
    const auto stride = intList(args->items[3], "stride");
    auto v = make(Kind::Tensor);
    try {
        v->tensor = args->items[0]->tensor.as_strided(size, stride, args->items[1]->integer).clone();
    } catch (const c10::Error&) {
        throw std::runtime_error("a tensor of size " + c10::str(c10::IntArrayRef(size)) +
                                 " reaches past its storage");
    }
    return v;
}

/// The pickle virtual machine: a stack, marks and a memo.
class PickleMachine {
public:
    PickleMachine(const std::string& bytes, const StorageLoader& loadStorage)
        : m_bytes(bytes), m_load(loadStorage)
    {
    }

    PickleRef run()
    {
        while (true) {
            const auto op = std::uint8_t(take(1)[0]);
            if (op == '.')
                return pop();
            step(op);
        }
    }

private:
    const char* take(std::size_t n)
    {
        if (n > m_bytes.size() - m_pos)
            throw std::runtime_error("the pickle ends early (truncated file?)");
        const char* p = m_bytes.data() + m_pos;
        m_pos += n;
        return p;
    }

    std::uint64_t unsignedLe(std::size_t n)
    {
        const auto* p = reinterpret_cast<const unsigned char*>(take(n));
        std::uint64_t value = 0;
        for (std::size_t i = n; i-- > 0;)
            value = (value << 8) | p[i];
        return value;
    }

    std::string line()
    {
        const auto end = m_bytes.find('\n', m_pos);
        if (end == std::string::npos)
            throw std::runtime_error("the pickle ends early (truncated file?)");
        std::string text = m_bytes.substr(m_pos, end - m_pos);
        m_pos = end + 1;
        return text;
    }

    PickleRef pop()
    {
        if (m_stack.empty() || (!m_marks.empty() && m_stack.size() <= m_marks.back()))
            throw std::runtime_error("malformed pickle (stack underflow)");
        auto v = std::move(m_stack.back());
        m_stack.pop_back();
        return v;
    }

    // Everything above the last mark, which is removed.
    std::vector<PickleRef> popToMark()
    {
        if (m_marks.empty())
            throw std::runtime_error("malformed pickle (no mark)");
        const std::size_t mark = m_marks.back();
        m_marks.pop_back();
        std::vector<PickleRef> items(m_stack.begin() + std::ptrdiff_t(mark), m_stack.end());
        m_stack.resize(mark);
        return items;
    }

    PickleRef& top()
    {
        if (m_stack.empty())
            throw std::runtime_error("malformed pickle (empty stack)");
        return m_stack.back();
    }

    void push(PickleRef v) { m_stack.push_back(std::move(v)); }

    PickleRef tuple(std::vector<PickleRef> items)
    {
        auto v = make(Kind::Tuple);
        v->items = std::move(items);
        return v;
    }

    void pushContainer(Kind kind, std::vector<PickleRef> items)
    {
        auto v = make(kind);
        if (kind == Kind::Dict)
            setItems(v, items);
        else
            v->items = std::move(items);
        push(std::move(v));
    }

    void extendTop(const std::vector<PickleRef>& items)
    {
        auto& list = top()->items;
        list.insert(list.end(), items.begin(), items.end());
    }

    // A string (or bytes) preceded by its length in `lengthBytes` little-endian bytes.
    void pushText(std::size_t lengthBytes)
    {
        const auto n = std::size_t(unsignedLe(lengthBytes));
        push(makeText(Kind::String, std::string(take(n), n)));
    }

    void setItems(PickleRef& dict, const std::vector<PickleRef>& pairs)
    {
        if (dict->kind != Kind::Dict || pairs.size() % 2 != 0)
            throw std::runtime_error("malformed pickle (items set on a non-dict)");
        dict->items.insert(dict->items.end(), pairs.begin(), pairs.end());
    }

    void memoize(std::uint64_t key) { m_memo[key] = top(); }

    PickleRef memo(std::uint64_t key)
    {
        const auto it = m_memo.find(key);
        if (it == m_memo.end())
            throw std::runtime_error("malformed pickle (unknown memo entry)");
        return it->second;
    }

    PickleRef call(const PickleRef& callable, const PickleRef& args)
    {
        if (callable->kind != Kind::Global || args->kind != Kind::Tuple)
            throw std::runtime_error("malformed pickle (call of a non-global)");
        const std::string& name = callable->text;
        if (name == "collections.OrderedDict" || name == "builtins.dict")
            return make(Kind::Dict);
        if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor")
            return rebuildTensor(args);
        const bool parameter = name == "torch._utils._rebuild_parameter" ||
                               name == "torch._utils._rebuild_parameter_with_state";
        if (parameter && !args->items.empty() && args->items[0]->kind == Kind::Tensor)
            return args->items[0];
        if (name == "torch._tensor._rebuild_from_type_v2" && args->items.size() >= 3)
            return call(args->items[0], args->items[2]);
        // torch::pickle_save (LibTorch) tags containers with their TorchScript type.
        if (name.starts_with("torch.jit._pickle.") && !args->items.empty())
            return args->items[0];
        throw std::runtime_error("holds a Python object of type " + name + ", which is not a tensor or a dict");
    }

    PickleRef storage(const PickleRef& id)
    {
        const auto& f = id->items;
        if (id->kind != Kind::Tuple || f.size() < 5 || f[0]->text != "storage" || f[1]->kind != Kind::Global ||
            f[2]->kind != Kind::String || f[4]->kind != Kind::Int)
            throw std::runtime_error("malformed storage reference");
        auto v = make(Kind::Storage);
        v->tensor = m_load(f[2]->text, storageType(f[1]->text), f[4]->integer);
        return v;
    }

    void step(std::uint8_t op)
    {
        switch (op) {
        case 0x80: take(1); return;  // PROTO
        case 0x95: take(8); return;  // FRAME
        case '(': m_marks.push_back(m_stack.size()); return;
        case ')': push(tuple({})); return;
        case 't': push(tuple(popToMark())); return;
        case 0x85: case 0x86: case 0x87: { // TUPLE1..3
            std::vector<PickleRef> items(op - 0x84);
            for (std::size_t i = items.size(); i-- > 0;)
                items[i] = pop();
            push(tuple(std::move(items)));
            return;
        }
        case ']': push(make(Kind::List)); return;
        case 'l': pushContainer(Kind::List, popToMark()); return;
        case 'a': extendTop({pop()}); return;
        case 'e': extendTop(popToMark()); return;
        case '}': push(make(Kind::Dict)); return;
        case 'd': pushContainer(Kind::Dict, popToMark()); return;
        case 's': { auto value = pop(); auto key = pop(); setItems(top(), {key, value}); return; }
        case 'u': { auto pairs = popToMark(); setItems(top(), pairs); return; }
        case 'N': push(make(Kind::None)); return;
        case 0x88: push(makeInt(1, Kind::Bool)); return;
        case 0x89: push(makeInt(0, Kind::Bool)); return;
        case 'J': push(makeInt(std::int32_t(unsignedLe(4)))); return;
        case 'K': push(makeInt(std::int64_t(unsignedLe(1)))); return;
        case 'M': push(makeInt(std::int64_t(unsignedLe(2)))); return;
        case 0x8a: { // LONG1: little-endian two's complement of n bytes
            const auto n = std::size_t(unsignedLe(1));
            if (n > 8)
                throw std::runtime_error("integer too large");
            std::uint64_t value = n ? unsignedLe(n) : 0;
            if (n > 0 && n < 8 && (value >> (8 * n - 1)) != 0)
                value |= ~std::uint64_t(0) << (8 * n);
            push(makeInt(std::int64_t(value)));
            return;
        }
        case 'G': { // BINFLOAT: big-endian double
            const auto* p = reinterpret_cast<const unsigned char*>(take(8));
            std::uint64_t bits = 0;
            for (int i = 0; i < 8; ++i)
                bits = (bits << 8) | p[i];
            auto v = make(Kind::Float);
            std::memcpy(&v->real, &bits, sizeof bits);
            push(v);
            return;
        }
        case 'X': case 'B': case 'T': pushText(4); return;
        case 0x8c: case 'C': case 'U': pushText(1); return;
        case 0x8d: case 0x8e: pushText(8); return;
        case 'c': { auto module = line(); push(makeText(Kind::Global, module + "." + line())); return; }
        case 0x93: { // STACK_GLOBAL
            auto name = pop();
            auto module = pop();
            push(makeText(Kind::Global, module->text + "." + name->text));
            return;
        }
        case 'q': memoize(unsignedLe(1)); return;
        case 'r': memoize(unsignedLe(4)); return;
        case 0x94: memoize(m_memo.size()); return;
        case 'h': push(memo(unsignedLe(1))); return;
        case 'j': push(memo(unsignedLe(4))); return;
        case 'R': case 0x81: { auto args = pop(); auto callable = pop(); push(call(callable, args)); return; }
        case 'b': pop(); return; // BUILD: object state (e.g. a state_dict's _metadata) is not needed
        case 'Q': push(storage(pop())); return;
        case '0': pop(); return;
        case '1': popToMark(); return;
        case '2': push(top()); return;
        default: {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", unsigned(op));
            throw std::runtime_error(std::string("unsupported pickle opcode ") + hex);
        }
        }
    }

    const std::string& m_bytes;
    const StorageLoader& m_load;
    std::size_t m_pos = 0;
    std::vector<PickleRef> m_stack;
    std::vector<std::size_t> m_marks;
    std::map<std::uint64_t, PickleRef> m_memo;
};

} // namespace

PickleRef readPickle(const std::string& bytes, const StorageLoader& loadStorage)
{
    return PickleMachine(bytes, loadStorage).run();
}

} // namespace espalier::core
