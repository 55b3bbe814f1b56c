#pragma once

namespace espalier::widgets {

/// What the mask inspector colours a cell by.
enum class MaskView { Mask, Weights, Scores, Changes };

/// Cell values of the Mask view.
enum MaskValue : int { kPrunedValue = 0, kKeptValue = 1 };
/// Cell values of the Changes view, in the order max-pooling prefers them (a change wins).
enum ChangeValue : int { kStillPruned = 0, kStillKept = 1, kNewlyPruned = 2, kRegrown = 3 };

} // namespace espalier::widgets
