"""PyTorch reference steps of GraSP and SynFlow, shared by the interop check (check_method_scores.py) and the
benchmark (tests/perf/scoring_cost.py). The callers choose the model copy, its mode and the sign of the score.

GraSP (Wang, Zhang, Grosse, ICLR 2020; algorithms.md §6): the first k samples of each class, grouped by class,
in two halves (GraSP_fetch_data); g = Σ over the halves of ∇CE(logits / T), detached; on each half ∇CE with
create_graph, z = Σ_layers ⟨g, ∇CE⟩, backprop z, so the weights' gradients sum to Hg. Score S = −θ ⊙ Hg.

SynFlow (Tanaka, Kunin, Yamins, Ganguli, NeurIPS 2020; algorithms.md §7.2): |·| of every parameter and buffer
(here in float64), masked weights zero, eval mode, R = Σ f(ones(1, C, H, W)), score |∂R/∂θ ⊙ θ|.
"""
import torch
import torch.nn.functional as F


def grasp_batches(x, y, samples_per_class, classes=10):
    """GraSP_fetch_data: the first k samples of each class in the given order, grouped by class, in two halves."""
    order = torch.cat([torch.nonzero(y == c).flatten()[:samples_per_class] for c in range(classes)])
    bx, by = x.index_select(0, order), y.index_select(0, order)
    half = bx.shape[0] // 2
    return [(bx[:half], by[:half]), (bx[half:], by[half:])]


def grasp_hessian_gradient(model, weights, batches, temperature):
    """Hg per weight: g = Σ_batches ∇CE(model(x) / T, y) detached, then Hg by double backprop of ⟨g, ∇CE⟩."""
    g = None
    for x, y in batches:
        grads = torch.autograd.grad(F.cross_entropy(model(x) / temperature, y), weights)
        g = [t.detach() for t in grads] if g is None else [a + b.detach() for a, b in zip(g, grads)]
    hg = [torch.zeros_like(w) for w in weights]
    for x, y in batches:
        grads = torch.autograd.grad(F.cross_entropy(model(x) / temperature, y), weights, create_graph=True)
        z = sum((a * b).sum() for a, b in zip(g, grads))
        hg = [a + b for a, b in zip(hg, torch.autograd.grad(z, weights))]
    return hg


def synflow_scores(model, select_weights, input_shape, masks=None):
    """|∂R/∂θ ⊙ θ| (float32) for the weights select_weights(model) picks. Changes `model` in place: float64,
    |·| of every floating parameter and buffer, the weights multiplied by `masks` (if given), eval mode."""
    model.double()
    with torch.no_grad():
        for t in list(model.parameters()) + list(model.buffers()):
            if t.is_floating_point():
                t.abs_()
        weights = select_weights(model)
        for w, m in zip(weights, masks or []):
            w.mul_(m)
    model.eval()
    r = model(torch.ones((1, *input_shape), dtype=torch.float64)).sum()
    grads = torch.autograd.grad(r, weights)
    return [(g * w).abs().float().detach() for g, w in zip(grads, weights)]
