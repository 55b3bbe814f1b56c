#include "app/gui/reportsummary.h"

#include <cmath>

#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>

#include "espalier/core/savedreport.h"
#include "widgets/format.h"

namespace espalier::app {

using widgets::formatCount;
using widgets::formatPercent;

ReportSummary::ReportSummary(const core::SavedReport& report, QWidget* parent)
    : QWidget(parent), m_form(new QFormLayout(this))
{
    const core::Snapshot& s = report.snapshot;
    const QString path = QFile::decodeName(report.path.c_str());
    addField(QStringLiteral("file"), tr("File"), QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath()));
    addField(QStringLiteral("created"), tr("Written"),
             tr("%1 by Espalier %2").arg(QString::fromStdString(report.createdUtc),
                                         QString::fromStdString(report.espalierVersion)));
    addField(QStringLiteral("model"), tr("Model"), QString::fromStdString(report.model));
    addField(QStringLiteral("data"), tr("Data"), QString::fromStdString(report.dataset));
    addField(QStringLiteral("method"), tr("Method"), QString::fromStdString(report.method));
    addField(QStringLiteral("seed"), tr("Seed"), QString::number(report.seed));
    addField(QStringLiteral("sparsity"), tr("Sparsity"),
             tr("%1 (effective %2)").arg(formatPercent(s.sparsity), formatPercent(s.effectiveSparsity)));
    addField(QStringLiteral("kept"), tr("Kept weights"),
             tr("%1 of %2").arg(formatCount(s.keptWeights), formatCount(s.prunableWeights)));
    const double dense = report.denseAccuracy();
    const QString accuracy = formatPercent(report.finalTestAccuracy);
    addField(QStringLiteral("accuracy"), tr("Test accuracy"),
             std::isfinite(dense) ? tr("%1 (dense %2)").arg(accuracy, formatPercent(dense)) : accuracy);
    addField(QStringLiteral("rounds"), tr("Rounds"),
             tr("%1 rounds, %2 epochs").arg(s.rounds.size()).arg(s.epochs.size()));
}

void ReportSummary::addField(const QString& key, const QString& label, const QString& value)
{
    auto* text = new QLabel(value, this);
    text->setObjectName(QStringLiteral("summary_%1").arg(key));
    text->setWordWrap(true);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_form->addRow(label, text);
}

QString ReportSummary::fieldText(const QString& key) const
{
    const auto* label = findChild<QLabel*>(QStringLiteral("summary_%1").arg(key));
    return label ? label->text() : QString();
}

} // namespace espalier::app
