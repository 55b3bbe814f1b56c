#include "app/gui/recipechoices.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QFileInfo>
#include <QHash>

namespace espalier::app::recipechoices {
namespace {

QString tr(const char* text) { return QCoreApplication::translate("espalier::app::recipechoices", text); }

QStringList list(std::initializer_list<const char*> names)
{
    QStringList out;
    for (const char* name : names)
        out << QLatin1String(name);
    return out;
}

} // namespace

QStringList zooModels()
{
    return list({"lenet300", "lenet5", "lenet5-bn", "vgg11", "vgg16", "vgg19", "resnet20", "resnet32"});
}

QStringList datasets()
{
    return list({"fashion-mnist", "mnist", "kmnist", "cifar10", "cifar100", "hdf5", "synthetic", "synthetic-cifar"});
}

QStringList methods()
{
    return list({"magnitude", "random", "snip", "grasp", "synflow", "espn-finetune", "espn-rewind", "imp", "gmp",
                 "taylor", "none"});
}

QStringList channelMethods() { return list({"l1-filter", "slimming", "taylor", "random"}); }

QStringList schedules() { return list({"exponential", "linear"}); }
QStringList allocations() { return list({"global", "layerwise"}); }
// "proceed" is only an alias of "allow"; offering both would suggest two behaviours.
QStringList collapsePolicies() { return list({"block", "clamp", "allow"}); }
QStringList optimizers() { return list({"sgd", "adam"}); }
QStringList lrSchedules() { return list({"none", "step", "multistep", "cosine"}); }

QString describe(const QString& choice)
{
    static const QHash<QString, const char*> kText = {
        {QStringLiteral("lenet300"), "LeNet-300-100: a 784-300-100-10 perceptron"},
        {QStringLiteral("lenet5"), "LeNet-5: two convolutions and three linear layers"},
        {QStringLiteral("vgg11"), "VGG-11 with BatchNorm, for 32×32 images"},
        {QStringLiteral("vgg16"), "VGG-16 with BatchNorm, for 32×32 images"},
        {QStringLiteral("vgg19"), "VGG-19 with BatchNorm, for 32×32 images"},
        {QStringLiteral("resnet20"), "ResNet-20 (CIFAR); the width multiplier scales its channels"},
        {QStringLiteral("resnet32"), "ResNet-32 (CIFAR); ESPN uses width multiplier 2"},
        {QStringLiteral("hdf5"), "an .h5 file with datasets X and y"},
        {QStringLiteral("synthetic"), "generated data; needs no files"},
        {QStringLiteral("synthetic-cifar"), "generated 3×32×32 data for the CIFAR models; needs no files"},
        {QStringLiteral("magnitude"), "|W| of the current weights"},
        {QStringLiteral("random"), "uniform random scores from the seeded generator"},
        {QStringLiteral("snip"), "|∂L/∂w ⊙ w| on one scoring batch"},
        {QStringLiteral("grasp"), "Gradient Signal Preservation (Hessian-gradient product)"},
        {QStringLiteral("synflow"), "Iterative Synaptic Flow: data-free; use many rounds"},
        {QStringLiteral("espn-finetune"), "ESPN: learn a mask, fold it into the weights and fine-tune"},
        {QStringLiteral("espn-rewind"), "ESPN: learn a mask, rewind to the warm-up weights and train"},
        {QStringLiteral("imp"), "Iterative magnitude pruning with rewinding (lottery tickets)"},
        {QStringLiteral("gmp"), "Gradual magnitude pruning during training (Zhu & Gupta)"},
        {QStringLiteral("taylor"), "First-order Taylor importance (∂L/∂w ⊙ w)²; as a channel criterion (Σ g·w)² per channel"},
        {QStringLiteral("none"), "no unstructured pruning: the channel cut alone, then fine-tuning"},
        {QStringLiteral("l1-filter"), "Σ|w| of each filter (Li et al. 2017)"},
        {QStringLiteral("slimming"), "|γ| of the BatchNorm after each channel, trained with an L1 penalty (Liu et al. 2017)"},
        {QStringLiteral("lenet5-bn"), "LeNet-5 with BatchNorm after each hidden layer (for slimming)"},
        {QStringLiteral("exponential"), "density of round k is d^(k/n): the same fraction each round"},
        {QStringLiteral("linear"), "sparsity grows by the same amount each round"},
        {QStringLiteral("global"), "one top-k over all layers"},
        {QStringLiteral("layerwise"), "the same sparsity in every layer"},
        {QStringLiteral("block"), "refuse a step that would collapse a layer or cut every path"},
        {QStringLiteral("clamp"), "keep each layer's floor and take the rest from other layers"},
        {QStringLiteral("allow"), "apply the step anyway and record a warning"},
        {QStringLiteral("step"), "multiply the learning rate by gamma every step epochs"},
        {QStringLiteral("multistep"), "multiply the learning rate by gamma at each milestone"},
        {QStringLiteral("cosine"), "cosine annealing over the epochs"},
    };
    const auto it = kText.constFind(choice);
    return it == kText.constEnd() ? QString() : tr(it.value());
}

void addChoices(QComboBox* combo, const QStringList& choices)
{
    for (const QString& choice : choices) {
        combo->addItem(choice, choice);
        combo->setItemData(combo->count() - 1, describe(choice), Qt::ToolTipRole);
    }
}

std::vector<MethodParam> methodParams(const QString& method)
{
    // Defaults from docs/methods.md. ESPN's `batch` is left out: its default is train.batch.
    // GMP's `steps` too: leaving it out means "end by 75 % of the training steps".
    if (method == QLatin1String("espn-finetune") || method == QLatin1String("espn-rewind"))
        return {{"alpha", 8e-5, tr("α, weight of the L1 penalty Σ|c| on the mask")},
                {"tau", 0.01, tr("τ, a mask entry c > τ counts as kept during discovery")},
                {"mask_lr", 0.05, tr("learning rate of mask discovery (plain SGD)")},
                {"momentum", 0.9, tr("SGD momentum of mask discovery")},
                {"max_mask_epochs", 300, tr("stop mask discovery after this many epochs")},
                {"shuffle", 1, tr("1 = shuffled batches, 0 = batches in file order")}};
    if (method == QLatin1String("grasp"))
        return {{"temperature", 200, tr("T, the logits are divided by it (> 0)")},
                {"samples_per_class", 10, tr("scoring samples per class, integer ≥ 1")},
                {"reinit_linear", 0, tr("1 re-initialises Linear weights of the scoring copy (official quirk)")}};
    if (method == QLatin1String("imp"))
        return {{"rewind_epoch", 0, tr("rewind survivors to the weights after this pretraining epoch (0 = init)")}};
    if (method == QLatin1String("gmp"))
        return {{"initial_sparsity", 0, tr("s_i, sparsity at the first pruning step, in [0, 1)")},
                {"start_step", 0, tr("t0, optimizer step of the first pruning step")},
                {"frequency", 100, tr("Δt, optimizer steps between pruning steps")}};
    return {};
}

QString paramMeaning(const QString& method, const QString& name)
{
    for (const MethodParam& param : methodParams(method))
        if (QString::fromStdString(param.name) == name)
            return param.meaning;
    if (method == QLatin1String("gmp") && name == QLatin1String("steps"))
        return tr("n, number of pruning steps (default: end by 75 % of the training steps)");
    if (method.startsWith(QLatin1String("espn")) && name == QLatin1String("batch"))
        return tr("minibatch size of mask discovery (default: train.batch)");
    return {};
}

QString defaultDataRoot(const QString& dataset)
{
    if (dataset == QLatin1String("fashion-mnist") || dataset == QLatin1String("mnist")
        || dataset == QLatin1String("kmnist"))
        return QStringLiteral("/usr/share/datasets/") + dataset;
    return {};
}

bool isTorchScriptFile(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("pt") || suffix == QLatin1String("pth");
}

} // namespace espalier::app::recipechoices
