#include "app/gui/trainingsection.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QSpinBox>

#include "app/gui/numberedit.h"
#include "app/gui/recipechoices.h"

namespace espalier::app {
namespace {

constexpr int kMaxCount = 1'000'000;

bool sameSettingsButEpochs(const core::TrainSettings& a, const core::TrainSettings& b)
{
    return a.batch == b.batch && a.optimizer == b.optimizer && a.lr == b.lr && a.momentum == b.momentum
           && a.nesterov == b.nesterov && a.weightDecay == b.weightDecay && a.lrSchedule.type == b.lrSchedule.type
           && a.lrSchedule.step == b.lrSchedule.step && a.lrSchedule.gamma == b.lrSchedule.gamma
           && a.lrSchedule.milestones == b.lrSchedule.milestones;
}

QSpinBox* countSpin(const QString& objectName, int minimum, QWidget* parent)
{
    auto* spin = new QSpinBox(parent);
    spin->setObjectName(objectName);
    spin->setRange(minimum, kMaxCount);
    return spin;
}

QComboBox* choiceCombo(const QString& objectName, const QStringList& choices, QWidget* parent)
{
    auto* combo = new QComboBox(parent);
    combo->setObjectName(objectName);
    recipechoices::addChoices(combo, choices);
    return combo;
}

} // namespace

TrainingSection::TrainingSection(QWidget* parent)
    : RecipeSection(tr("Training"), parent),
      // Minimums of 0 even where the recipe needs ≥ 1: the core's validator names the key.
      m_pretrainEpochs(countSpin(QStringLiteral("pretrainEpochsSpin"), 0, this)),
      m_epochs(countSpin(QStringLiteral("epochsSpin"), 0, this)),
      m_batch(countSpin(QStringLiteral("batchSpin"), 0, this)),
      m_optimizer(choiceCombo(QStringLiteral("optimizerCombo"), recipechoices::optimizers(), this)),
      m_lr(new NumberEdit(this)), m_momentum(new NumberEdit(this)), m_nesterov(new QCheckBox(tr("&Nesterov"), this)),
      m_weightDecay(new NumberEdit(this)),
      m_lrSchedule(choiceCombo(QStringLiteral("lrScheduleCombo"), recipechoices::lrSchedules(), this)),
      m_lrStep(countSpin(QStringLiteral("lrStepSpin"), 0, this)), m_lrGamma(new NumberEdit(this)),
      m_milestones(new QLineEdit(this))
{
    m_epochs->setToolTip(tr("Training epochs after the final round (train.epochs)"));
    m_batch->setToolTip(tr("Minibatch size, ≥ 1 (train.batch)"));
    m_optimizer->setToolTip(tr("Optimizer (train.optimizer)"));
    m_lr->setObjectName(QStringLiteral("lrEdit"));
    m_lr->setToolTip(tr("Learning rate, > 0, e.g. 0.01 or 1e-3 (train.lr)"));
    m_momentum->setObjectName(QStringLiteral("momentumEdit"));
    m_momentum->setToolTip(tr("SGD momentum in [0, 1); ignored by Adam (train.momentum)"));
    m_nesterov->setObjectName(QStringLiteral("nesterovCheck"));
    m_nesterov->setToolTip(tr("Nesterov momentum; SGD only, needs momentum > 0 (train.nesterov)"));
    m_weightDecay->setObjectName(QStringLiteral("weightDecayEdit"));
    m_weightDecay->setToolTip(tr("L2 weight decay, ≥ 0 (train.weight_decay)"));
    m_lrSchedule->setToolTip(tr("Learning-rate schedule (train.lr_schedule.type)"));
    m_lrStep->setToolTip(tr("step: multiply the learning rate by gamma every this many epochs, ≥ 1 "
                            "(train.lr_schedule.step)"));
    m_lrGamma->setObjectName(QStringLiteral("lrGammaEdit"));
    m_lrGamma->setToolTip(tr("step and multistep: the factor, > 0 (train.lr_schedule.gamma)"));
    m_milestones->setObjectName(QStringLiteral("lrMilestonesEdit"));
    m_milestones->setPlaceholderText(tr("e.g. 80, 120"));
    m_milestones->setToolTip(tr("multistep: epochs at which to multiply by gamma, strictly increasing, "
                                "separated by commas (train.lr_schedule.milestones)"));
    m_milestones->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[\\d,\\s]*")), m_milestones));

    auto* left = new QFormLayout;
    left->addRow(tr("&Pretraining epochs"), m_pretrainEpochs);
    left->addRow(tr("&Epochs"), m_epochs);
    left->addRow(tr("&Batch size"), m_batch);
    left->addRow(tr("&Optimizer"), m_optimizer);
    left->addRow(tr("&Learning rate"), m_lr);
    left->addRow(tr("&Momentum"), m_momentum);
    auto* right = new QFormLayout;
    right->addRow(QString(), m_nesterov);
    right->addRow(tr("&Weight decay"), m_weightDecay);
    right->addRow(tr("LR &schedule"), m_lrSchedule);
    right->addRow(tr("S&tep (epochs)"), m_lrStep);
    right->addRow(tr("&Gamma"), m_lrGamma);
    right->addRow(tr("M&ilestones"), m_milestones);
    auto* columns = new QHBoxLayout(this);
    columns->addLayout(left);
    columns->addSpacing(12);
    columns->addLayout(right);
    setRecipe(core::Recipe{});
}

void TrainingSection::setRecipe(const core::Recipe& recipe)
{
    const core::TrainSettings& t = recipe.train;
    m_pretrain = recipe.pretrain;
    m_pretrainFollowsTrain = sameSettingsButEpochs(recipe.pretrain, t);
    m_pretrainEpochs->setValue(recipe.pretrain.epochs);
    m_epochs->setValue(t.epochs);
    m_batch->setValue(t.batch);
    m_optimizer->setCurrentText(QString::fromStdString(t.optimizer));
    m_lr->setValue(t.lr);
    m_momentum->setValue(t.momentum);
    m_nesterov->setChecked(t.nesterov);
    m_weightDecay->setValue(t.weightDecay);
    m_lrSchedule->setCurrentText(QString::fromStdString(t.lrSchedule.type));
    m_lrStep->setValue(t.lrSchedule.step);
    m_lrGamma->setValue(t.lrSchedule.gamma);
    QStringList milestones;
    for (int m : t.lrSchedule.milestones)
        milestones << QString::number(m);
    m_milestones->setText(milestones.join(QStringLiteral(", ")));
    updatePretrainTip();
}

void TrainingSection::applyTo(core::Recipe& recipe) const
{
    core::TrainSettings& t = recipe.train;
    t.epochs = m_epochs->value();
    t.batch = m_batch->value();
    t.optimizer = m_optimizer->currentText().toStdString();
    t.lr = m_lr->value();
    t.momentum = m_momentum->value();
    t.nesterov = m_nesterov->isChecked();
    t.weightDecay = m_weightDecay->value();
    t.lrSchedule.type = m_lrSchedule->currentText().toStdString();
    t.lrSchedule.step = m_lrStep->value();
    t.lrSchedule.gamma = m_lrGamma->value();
    if (const auto parsed = milestones())
        t.lrSchedule.milestones = *parsed;
    recipe.pretrain = m_pretrainFollowsTrain ? t : m_pretrain;
    recipe.pretrain.epochs = m_pretrainEpochs->value();
}

QWidget* TrainingSection::revealField(const std::string& key)
{
    const std::map<std::string, QWidget*> fields = {
        {"pretrain.epochs", m_pretrainEpochs},
        {"train.epochs", m_epochs},
        {"train.batch", m_batch},
        {"train.optimizer", m_optimizer},
        {"train.lr", m_lr},
        {"train.momentum", m_momentum},
        {"train.nesterov", m_nesterov},
        {"train.weight_decay", m_weightDecay},
        {"train.lr_schedule.type", m_lrSchedule},
        {"train.lr_schedule.step", m_lrStep},
        {"train.lr_schedule.gamma", m_lrGamma},
        {"train.lr_schedule.milestones", m_milestones},
    };
    const auto it = fields.find(key);
    return it == fields.end() ? nullptr : it->second;
}

std::optional<FieldError> TrainingSection::inputError() const
{
    if (!milestones())
        return FieldError{"train.lr_schedule.milestones",
                          tr("train.lr_schedule.milestones must be whole numbers separated by commas")};
    return std::nullopt;
}

std::optional<std::vector<int>> TrainingSection::milestones() const
{
    std::vector<int> out;
    static const QRegularExpression kSeparators(QStringLiteral("[,\\s]+"));
    for (const QString& part : m_milestones->text().split(kSeparators, Qt::SkipEmptyParts)) {
        bool ok = false;
        const int epoch = part.toInt(&ok);
        if (!ok)
            return std::nullopt;
        out.push_back(epoch);
    }
    return out;
}

void TrainingSection::updatePretrainTip()
{
    m_pretrainEpochs->setToolTip(
        m_pretrainFollowsTrain
            ? tr("Dense training before the first round, with the settings below; 0 = none (pretrain.epochs)")
            : tr("Dense training before the first round; 0 = none (pretrain.epochs). The recipe's own pretrain "
                 "settings are kept: %1, lr %2, batch %3")
                  .arg(QString::fromStdString(m_pretrain.optimizer))
                  .arg(m_pretrain.lr)
                  .arg(m_pretrain.batch));
}

} // namespace espalier::app
