#pragma once

#include <optional>

#include <QMainWindow>

#include "espalier/core/recipe.h"
#include "espalier/core/savedreport.h"

class QAction;

namespace espalier::widgets {
class CurveChart;
class DensityChart;
class LayerTable;
class LogView;
class MaskInspector;
class RecipeView;
class RoundsTable;
class SaliencyHistogramChart;
class SparsityCurveChart;
}

namespace espalier::app {

class ReportSummary;

/// A report.h5 shown read-only in its own window with the workbench's views: layer table, density
/// per layer, accuracy and loss over epochs, accuracy vs sparsity, the rounds, the saliency
/// histogram and the mask of the selected layer, the summary, the recipe and the events. No run
/// controls; "Open as recipe" starts a new session from the report's recipe. Lives in: GUI thread.
class ReportWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit ReportWindow(core::SavedReport report, QWidget* parent = nullptr);

    /// Reads `path` and opens a window on it (deleted when closed, not shown yet); nullptr with
    /// `error` set, naming the file, when it is not a readable report.
    static ReportWindow* open(const QString& path, QWidget* parent, QString* error);

    /// Selects `name` in every view (an unknown name is ignored).
    void selectLayer(const QString& name);
    [[nodiscard]] const QString& selectedLayer() const { return m_selected; }
    [[nodiscard]] const core::SavedReport& report() const { return m_report; }

Q_SIGNALS:
    /// The user asked to run the report's recipe as a new session.
    void openAsRecipeRequested(const espalier::core::Recipe& recipe, const QString& reportPath);

private:
    void createDocks();
    void showReport();
    void openAsRecipe();

    core::SavedReport m_report;
    std::optional<core::Recipe> m_recipe;
    QString m_recipeError;
    widgets::LayerTable* m_layerTable;
    widgets::DensityChart* m_densityChart;
    widgets::CurveChart* m_curveChart;
    widgets::SparsityCurveChart* m_sparsityCurve;
    widgets::SaliencyHistogramChart* m_histogram;
    widgets::MaskInspector* m_inspector;
    widgets::RoundsTable* m_rounds;
    widgets::RecipeView* m_recipeView;
    widgets::LogView* m_events;
    ReportSummary* m_summary;
    QAction* m_openAsRecipe;
    QString m_selected;
};

} // namespace espalier::app
