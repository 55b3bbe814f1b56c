#pragma once

#include <string>
#include <vector>

#include <QString>
#include <QStringList>

class QComboBox;

namespace espalier::app {

/// The choices the New session dialog offers, as docs/recipes.md and docs/methods.md list them.
/// The core keeps its lists private (core/src/reciperules.cpp); a name missing here can still be
/// typed into a recipe file, and the core's validator stays the judge of what is allowed.
namespace recipechoices {

/// One documented method parameter and its default.
struct MethodParam {
    std::string name;
    double value;
    QString meaning;
};

QStringList zooModels();
QStringList datasets();
QStringList methods();
/// Criteria of the channel cut (recipe channels.method).
QStringList channelMethods();
QStringList schedules();
QStringList allocations();
QStringList collapsePolicies();
QStringList optimizers();
QStringList lrSchedules();

/// What a choice means, for the combo boxes' item tooltips (empty when there is nothing to add).
QString describe(const QString& choice);
/// Appends `choices` to `combo`, each with its describe() text as tooltip and its name as item data.
void addChoices(QComboBox* combo, const QStringList& choices);

/// The documented parameters of `method` with their defaults (empty for methods without any).
std::vector<MethodParam> methodParams(const QString& method);

/// The meaning of a method parameter, for the table's tooltips ("" when the name is unknown).
QString paramMeaning(const QString& method, const QString& name);

/// The folder a recipe uses when it names `dataset` but no root (mirrors core defaultDataRoot).
QString defaultDataRoot(const QString& dataset);

/// True for the files a drop or the Browse… button may pick as a TorchScript model.
bool isTorchScriptFile(const QString& path);

} // namespace recipechoices
} // namespace espalier::app
