#include "widgets/layertablemodel.h"

#include <cmath>
#include <optional>

#include <QColor>
#include <QLocale>

#include "widgets/format.h"
#include "widgets/palette.h"

namespace espalier::widgets {
namespace {

bool sameLayout(const std::vector<core::LayerStats>& a, const std::vector<core::LayerStats>& b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].shape != b[i].shape)
            return false;
    }
    return true;
}

bool sameCounts(const core::LayerStats& a, const core::LayerStats& b)
{
    return a.numel == b.numel && a.kept == b.kept && a.floor == b.floor && a.locked == b.locked
        && a.collapsed == b.collapsed && a.drift == b.drift && a.keptChannels == b.keptChannels;
}

QString statusText(LayerStatus status)
{
    switch (status) {
    case LayerStatus::Ok: return LayerTableModel::tr("ok");
    case LayerStatus::NearFloor: return LayerTableModel::tr("near floor");
    case LayerStatus::Collapsed: return LayerTableModel::tr("collapsed");
    }
    return {};
}

/// A floor typed as a percentage: "5", "5 %", "0,5" in a comma locale; empty means no floor.
std::optional<double> floorFromText(QString text)
{
    text = text.trimmed();
    if (text.endsWith(QLatin1Char('%')))
        text.chop(1);
    text = text.trimmed();
    if (text.isEmpty())
        return 0.0;
    bool ok = false;
    double percent = QLocale().toDouble(text, &ok);
    if (!ok)
        percent = QLocale::c().toDouble(text, &ok);
    if (!ok || !(percent >= 0.0 && percent <= 100.0))
        return std::nullopt;
    return percent / 100.0;
}

} // namespace

LayerStatus layerStatus(const core::LayerStats& layer)
{
    if (layer.collapsed || (layer.numel > 0 && layer.kept == 0))
        return LayerStatus::Collapsed;
    if (layer.floor > 0.0 && layer.density() <= layer.floor * (1.0 + LayerTableModel::kNearFloorMargin))
        return LayerStatus::NearFloor;
    return LayerStatus::Ok;
}

LayerTableModel::LayerTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LayerTableModel::setLayers(const std::vector<core::LayerStats>& layers)
{
    if (!sameLayout(m_layers, layers)) {
        beginResetModel();
        m_layers = layers;
        endResetModel();
        return;
    }
    int first = -1;
    int last = -1;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        if (!sameCounts(m_layers[i], layers[i])) {
            if (first < 0)
                first = int(i);
            last = int(i);
        }
    }
    m_layers = layers;
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

void LayerTableModel::setEditable(bool editable)
{
    if (editable == m_editable)
        return;
    m_editable = editable;
    if (!m_layers.empty()) // repaint the check boxes as enabled or not
        Q_EMIT dataChanged(index(0, LockColumn), index(rowCount() - 1, FloorColumn));
}

int LayerTableModel::rowOf(const QString& name) const
{
    const std::string key = name.toStdString();
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        if (m_layers[i].name == key)
            return int(i);
    }
    return -1;
}

int LayerTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_layers.size());
}

int LayerTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_layers.size()))
        return {};
    const core::LayerStats& layer = m_layers[std::size_t(index.row())];
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole: return displayData(layer, column);
    case Qt::EditRole:
        if (column == FloorColumn) // the number the user edits, without the " %" they need not retype
            return layer.floor > 0.0 ? QLocale().toString(layer.floor * 100.0, 'g', 6) : QString();
        return {};
    case Qt::CheckStateRole:
        if (column == LockColumn)
            return layer.locked ? Qt::Checked : Qt::Unchecked;
        return {};
    case SortRole: return sortData(layer, column);
    case StatusRole: return int(layerStatus(layer));
    case DensityRole: return layer.density();
    case Qt::TextAlignmentRole:
        if (column == ParametersColumn || column == KeptColumn || column == DensityColumn || column == ChannelsColumn ||
            column == FloorColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (column == StatusColumn) {
            switch (layerStatus(layer)) {
            case LayerStatus::Collapsed: return warningColor();
            case LayerStatus::NearFloor: return QColor(0xb2, 0x6a, 0x00); // darker than the bar, for text
            case LayerStatus::Ok: break;
            }
        }
        return {};
    case Qt::ToolTipRole:
        if (column == NameColumn && layer.locked)
            return tr("%1 (locked: its mask does not change)").arg(QString::fromStdString(layer.name));
        if (column == LockColumn)
            return layer.locked ? tr("Locked: its mask does not change. Untick to let later rounds prune it.")
                                : tr("Tick to freeze this layer's mask from the next round on");
        if (column == ChannelsColumn && layer.channels > 0)
            return tr("%1 of %2 output channels still have a weight (%3); a channel cut removes whole channels")
                .arg(layer.keptChannels)
                .arg(layer.channels)
                .arg(formatPercent(double(layer.keptChannels) / double(layer.channels)));
        if (column == FloorColumn)
            return m_editable ? tr("Minimum density of this layer; double-click to change it (0 or empty: none)")
                              : tr("Minimum density of this layer");
        if (column == StatusColumn && layer.floor > 0.0)
            return tr("floor %1").arg(formatPercent(layer.floor));
        if (column == StatusColumn && layer.drift > 0)
            return tr("%1 non-zero weights in pruned positions").arg(formatCount(layer.drift));
        return {};
    default: return {};
    }
}

QVariant LayerTableModel::displayData(const core::LayerStats& layer, int column) const
{
    switch (column) {
    case NameColumn: return QString::fromStdString(layer.name);
    case ShapeColumn: return formatShape(layer.shape);
    case ParametersColumn: return formatCount(layer.numel);
    case KeptColumn: return formatCount(layer.kept);
    case DensityColumn: return formatPercent(layer.density());
    case ChannelsColumn:
        return layer.channels > 0 ? QStringLiteral("%1 / %2").arg(layer.keptChannels).arg(layer.channels)
                                  : QStringLiteral("–");
    case FloorColumn: return layer.floor > 0.0 ? formatPercent(layer.floor) : QStringLiteral("–");
    case StatusColumn: return statusText(layerStatus(layer));
    default: return {};
    }
}

QVariant LayerTableModel::sortData(const core::LayerStats& layer, int column) const
{
    switch (column) {
    case NameColumn: return QString::fromStdString(layer.name);
    case ShapeColumn: return qlonglong(layer.numel); // a shape sorts by its size
    case ParametersColumn: return qlonglong(layer.numel);
    case KeptColumn: return qlonglong(layer.kept);
    case DensityColumn: return layer.density();
    case ChannelsColumn: return layer.channels > 0 ? double(layer.keptChannels) / double(layer.channels) : 1.0;
    case LockColumn: return int(layer.locked);
    case FloorColumn: return layer.floor;
    case StatusColumn: return int(layerStatus(layer));
    default: return {};
    }
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole) {
        if (section == LockColumn)
            return tr("A locked layer keeps its mask: later rounds neither prune nor regrow it");
        if (section == FloorColumn)
            return tr("Minimum density the user asked for; rounds never prune the layer below it");
        return {};
    }
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Layer");
    case ShapeColumn: return tr("Shape");
    case ParametersColumn: return tr("Parameters");
    case KeptColumn: return tr("Kept");
    case DensityColumn: return tr("Density");
    case ChannelsColumn: return tr("Channels");
    case LockColumn: return tr("Lock");
    case FloorColumn: return tr("Floor");
    case StatusColumn: return tr("Status");
    default: return {};
    }
}

Qt::ItemFlags LayerTableModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    if (!index.isValid() || !m_editable)
        return flags;
    if (index.column() == LockColumn)
        flags |= Qt::ItemIsUserCheckable;
    else if (index.column() == FloorColumn)
        flags |= Qt::ItemIsEditable;
    return flags;
}

bool LayerTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!m_editable || !index.isValid() || index.row() >= int(m_layers.size()))
        return false;
    const core::LayerStats& layer = m_layers[std::size_t(index.row())];
    const QString name = QString::fromStdString(layer.name);
    if (index.column() == LockColumn && role == Qt::CheckStateRole) {
        const bool locked = value.toInt() == Qt::Checked;
        if (locked != layer.locked)
            Q_EMIT lockToggled(name, locked);
        return true;
    }
    if (index.column() == FloorColumn && role == Qt::EditRole) {
        const std::optional<double> floor = floorFromText(value.toString());
        if (!floor)
            return false;
        if (std::abs(*floor - layer.floor) > 1e-12) // closing the editor unchanged is no request
            Q_EMIT floorEdited(name, *floor);
        return true;
    }
    return false;
}

} // namespace espalier::widgets
