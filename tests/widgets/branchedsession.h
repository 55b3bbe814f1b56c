#pragma once

// A session with a rollback, as the core records it, for the chart tests.

#include <string>

#include "espalier/core/snapshot.h"

namespace espalier::testing {

/// Appends `count` epochs of `phase`/`round` on `branch` after position `from`; returns the last
/// position. Accuracy climbs from `accuracy` by 0.5 % an epoch, loss falls from `loss` by 5 %.
inline int addEpochs(core::Snapshot& s, const char* phase, int round, int branch, int from, int count,
                     double accuracy, double loss)
{
    for (int i = 1; i <= count; ++i) {
        core::EpochRecord e;
        e.phase = phase;
        e.round = round;
        e.epoch = i;
        e.branch = branch;
        e.position = from + i;
        e.testAccuracy = accuracy + 0.005 * (i - 1);
        e.trainLoss = loss * (1.0 - 0.05 * (i - 1));
        s.epochs.push_back(e);
    }
    return from + count;
}

inline void addRound(core::Snapshot& s, int round, int branch, int position, double sparsity, double accuracy)
{
    core::RoundRecord r;
    r.round = round;
    r.branch = branch;
    r.position = position;
    r.sparsity = sparsity;
    r.testAccuracy = accuracy;
    s.rounds.push_back(r);
}

/// Branch 0: pretraining (positions 1–20), rounds 1–3 of 3 epochs (21–29, sparsity 50/75/87.5 %),
/// steered during round 2 (position 25). Then rolled back to the end of round 1 (position 23):
/// branch 1 runs round 2 for 4 epochs (24–27, 80 %) and round 3 for 2 (28–29, 90 %).
inline core::Snapshot twoBranchSession()
{
    core::Snapshot s;
    int p = addEpochs(s, "pretrain", 0, 0, 0, 20, 0.80, 1.0);
    p = addEpochs(s, "round", 1, 0, p, 3, 0.88, 0.40);
    addRound(s, 1, 0, p, 0.5, 0.89);
    p = addEpochs(s, "round", 2, 0, p, 2, 0.86, 0.45);
    s.annotations.push_back({p, 3, 0, "from round 3: target 87.5 %"});
    p = addEpochs(s, "round", 2, 0, p, 1, 0.87, 0.42);
    addRound(s, 2, 0, p, 0.75, 0.87);
    p = addEpochs(s, "round", 3, 0, p, 3, 0.83, 0.50);
    addRound(s, 3, 0, p, 0.875, 0.84);

    p = 23; // the end of round 1
    s.annotations.push_back({p, 2, 1, "rolled back to the end of round 1 (branch 1)"});
    p = addEpochs(s, "round", 2, 1, p, 4, 0.90, 0.38);
    addRound(s, 2, 1, p, 0.80, 0.915);
    p = addEpochs(s, "round", 3, 1, p, 2, 0.89, 0.40);
    addRound(s, 3, 1, p, 0.90, 0.895);
    s.branch = 1;
    s.round = 3;
    return s;
}

} // namespace espalier::testing
