import numpy as np
import pytest
import torch

from core import article, data, train, weights


def test_init_and_three_epochs_match_the_article_loop(small_patches):
    """On 1,000 patches: 8 batches an epoch, the last one short (104), as the DataLoader gives it."""
    patches = small_patches
    cfg = train.TrainConfig(variants=("plain",), seeds=(22,), epochs=3)
    tr = train.Trainer(cfg, "cpu", patches)
    init = train.unpack(tr.flat.numpy()[0])
    ref0 = article.article_train(patches, 22, epochs=0)
    for k in ("conv.weight", "conv.bias"):
        np.testing.assert_array_equal(init[f"encoder.{k}"], ref0["encoder"][k].numpy())
    for k in ("deconv.weight", "deconv.bias"):
        np.testing.assert_array_equal(init[f"decoder.{k}"], ref0["decoder"][k].numpy())

    res = train.train(cfg, "cpu", progress=False, patches=patches)
    ref = article.article_train(patches, 22, epochs=3)
    got = train.unpack(res.flat[0])
    moved = 0.0
    parts = (("encoder", ("conv.weight", "conv.bias")), ("decoder", ("deconv.weight", "deconv.bias")))
    for part, keys in parts:
        for k in keys:
            want = ref[part][k].numpy()
            np.testing.assert_allclose(got[f"{part}.{k}"], want, rtol=0, atol=1e-5)
            moved = max(moved, float(np.abs(want - ref0[part][k].numpy()).max()))
    assert moved > 1e-3  # the weights did move: the comparison is not of two inits
    np.testing.assert_allclose(res.losses[0], ref["losses"], rtol=1e-5)


def assert_like_the_article(res, ref, atol: float) -> dict:
    """The trainer's first model (`res`) ends where the article's loop (`ref`) does: every parameter
    within `atol`, every epoch's loss within 1e-5 relative. Returns the model's arrays."""
    got = train.unpack(res.flat[0])
    parts = (("encoder", ("conv.weight", "conv.bias")), ("decoder", ("deconv.weight", "deconv.bias")))
    for part, keys in parts:
        for k in keys:
            np.testing.assert_allclose(got[f"{part}.{k}"], ref[part][k].numpy(), rtol=0, atol=atol)
    np.testing.assert_allclose(res.losses[0], ref["losses"], rtol=1e-5)
    return got


def test_whole_curve_matches_the_article_loop_on_whole_curves():
    """whole-curve: the article's own loop (Conv1d, ConvTranspose1d, MSE over the 15 samples, Adam,
    its DataLoader) run on whole curves instead of patches: the trainer's hand-written gradients of
    three overlapping windows (the decoder's pieces added where they overlap, the bias once per
    sample) must land where autograd's do. With one window's gradient only, or the bias counted per
    window, it would not."""
    curves = data.make_curves(300)[0]
    cfg = train.TrainConfig(variants=("whole-curve",), seeds=(22,), epochs=3)
    res = train.train(cfg, "cpu", progress=False, patches=curves)
    ref = article.article_train(curves, 22, epochs=3)
    assert_like_the_article(res, ref, atol=1e-6)
    assert cfg.noise("whole-curve") == ((0.0, 0.0, 0.0), 0.0)  # the plain protocol, no noise
    with pytest.raises(ValueError, match="on its own"):  # one trainer sees one kind of data
        train.TrainConfig(variants=("plain", "whole-curve"))
    with pytest.raises(ValueError, match=r"curves must have shape \(N, 15\)"):
        train.Trainer(cfg, "cpu", np.zeros((10, 7)))


def test_whole_curve_is_bit_reproducible_and_near_independent_of_batchmates():
    """The same command gives the same bits; a seed trained alone ends within float rounding of
    where it ends beside another (the batched products add in another order), not elsewhere."""
    curves = data.make_curves(300)[0]
    cfg = train.TrainConfig(variants=("whole-curve",), seeds=(11, 22), epochs=2)
    a = train.train(cfg, "cpu", progress=False, patches=curves)
    b = train.train(cfg, "cpu", progress=False, patches=curves)
    np.testing.assert_array_equal(a.flat, b.flat)
    np.testing.assert_array_equal(a.losses, b.losses)
    alone = train.train(train.TrainConfig(variants=("whole-curve",), seeds=(22,), epochs=2), "cpu",
                        progress=False, patches=curves)
    np.testing.assert_allclose(alone.flat[0], a.flat[1], rtol=0, atol=1e-7)
    assert not np.allclose(a.flat[0], a.flat[1])  # the seeds do differ


def test_relu_encoder_gradients_match_autograd(small_patches):
    """code-noise-relu with its noise set to zero is the article's loop with ReLU after the
    encoder: the trainer's hand-written ReLU gradient must land where autograd's does. Some codes
    are 0 (ReLU cuts them), so the test would fail with tanh's gradient or without the cut."""
    cfg = train.TrainConfig(variants=("code-noise-relu",), seeds=(22,), epochs=3, code_noise=(0, 0, 0))
    res = train.train(cfg, "cpu", progress=False, patches=small_patches)
    ref = article.article_train(small_patches, 22, epochs=3, activation="relu")
    got = assert_like_the_article(res, ref, atol=1e-5)
    tanh = article.article_train(small_patches, 22, epochs=3)
    assert np.abs(tanh["encoder"]["conv.weight"].numpy() - got["encoder.conv.weight"]).max() > 1e-3
    pre = small_patches @ got["encoder.conv.weight"][:, 0].T + got["encoder.conv.bias"]
    assert 0.05 < np.mean(pre <= 0) < 0.95  # the cut is exercised


def test_same_seed_same_weights_and_independent_of_batchmates(small_patches):
    cfg = train.TrainConfig(variants=weights.PATCH_VARIANTS, seeds=(11, 22), epochs=2)
    a = train.train(cfg, "cpu", progress=False, patches=small_patches)
    b = train.train(cfg, "cpu", progress=False, patches=small_patches)
    np.testing.assert_array_equal(a.flat, b.flat)
    np.testing.assert_array_equal(a.losses, b.losses)
    # a model trained alone ends where it ends in the big run (its own RNG streams)
    pairs = cfg.models()
    for variant in ("plain", "input-noise", "code-noise-relu"):
        alone = train.train(train.TrainConfig(variants=(variant,), seeds=(22,), epochs=2), "cpu",
                            progress=False, patches=small_patches)
        m = pairs.index((variant, 22))
        np.testing.assert_allclose(alone.flat[0], a.flat[m], rtol=0, atol=1e-7)
    # the variants do differ from each other
    assert not np.allclose(a.flat[pairs.index(("plain", 22))], a.flat[pairs.index(("code-noise", 22))])


def test_variant_noise_scales():
    cfg = train.TrainConfig()
    assert cfg.noise("plain") == ((0.0, 0.0, 0.0), 0.0)
    assert cfg.noise("code-noise") == ((0.1, 0.01, 0.001), 0.0)
    assert cfg.noise("input-noise") == ((0.1, 0.01, 0.001), 0.01)
    assert cfg.noise("code-noise-relu") == cfg.noise("code-noise")
    art, inp = cfg.noise("code-noise-article")
    np.testing.assert_allclose(art, (0.1, 0.001, 0.000001), rtol=1e-12)
    assert inp == 0.0
    # the article's slicing, replayed on a tensor, gives exactly those scales
    coderand = torch.ones(4, 3, 1, dtype=torch.float64)
    coderand[:, 0:] *= 0.1
    coderand[:, 1:] *= 0.01
    coderand[:, 2:] *= 0.001
    np.testing.assert_allclose(coderand[0, :, 0].numpy(), art, rtol=1e-12)


def test_noise_drawn_has_the_configured_std(patches):
    cfg = train.TrainConfig(variants=("plain", "input-noise", "code-noise-article"), seeds=(11,),
                            epochs=1, code_noise=(0.2, 0.05, 0.01), input_noise=0.03)
    tr = train.Trainer(cfg, "cpu", patches)
    code, inp = tr._epoch_noise()
    std = code.std(dim=2).numpy()  # (M, 3)
    np.testing.assert_array_equal(std[0], 0.0)
    np.testing.assert_allclose(std[1], (0.2, 0.05, 0.01), rtol=0.03)
    np.testing.assert_allclose(std[2], (0.2, 0.01, 0.0001), rtol=0.03)
    istd = inp.std(dim=1).numpy()  # (M, 8)
    np.testing.assert_allclose(istd[1, :7], 0.03, rtol=0.03)
    assert istd[1, 7] == 0 and np.all(istd[0] == 0) and np.all(istd[2] == 0)


def test_bad_config_is_refused():
    with pytest.raises(ValueError, match="unknown variant 'noisy'"):
        train.TrainConfig(variants=("noisy",))
    with pytest.raises(ValueError, match="at least one"):
        train.TrainConfig(seeds=())
    with pytest.raises(ValueError, match="epochs"):
        train.TrainConfig(epochs=0)
    with pytest.raises(ValueError, match=r"shape \(N, 7\)"):  # one kernel's worth of samples each
        train.Trainer(train.TrainConfig(variants=("plain",), seeds=(1,)), "cpu", np.zeros((10, 5)))


def test_resume_after_ctrl_c_matches_an_uninterrupted_run(tmp_path, small_patches, monkeypatch):
    cfg = train.TrainConfig(variants=("plain", "input-noise"), seeds=(33,), epochs=5)
    full = train.train(cfg, "cpu", progress=False, patches=small_patches)
    state = tmp_path / train.STATE_FILE

    def ctrl_c_after(epoch):
        if epoch == 2:
            raise KeyboardInterrupt

    with pytest.raises(train.TrainingInterrupted) as info:
        train.train(cfg, "cpu", state_path=state, progress=False, patches=small_patches,
                    on_epoch=ctrl_c_after)
    assert info.value.epoch == 2 and state.is_file()

    # a Ctrl-C in the middle of epoch 4: that epoch is dropped, the state stays at epoch 3
    steps = {"n": 0}
    real_adam = train.Trainer.adam

    def adam_then_ctrl_c(self, grad):
        steps["n"] += 1
        if self.epoch == 3 and steps["n"] > 3:
            raise KeyboardInterrupt
        real_adam(self, grad)

    monkeypatch.setattr(train.Trainer, "adam", adam_then_ctrl_c)
    with pytest.raises(train.TrainingInterrupted) as info:
        train.train(cfg, "cpu", state_path=state, resume=True, progress=False, patches=small_patches)
    assert info.value.epoch == 3
    monkeypatch.undo()

    resumed = train.train(cfg, "cpu", state_path=state, resume=True, progress=False,
                          patches=small_patches)
    np.testing.assert_array_equal(resumed.flat, full.flat)
    np.testing.assert_array_equal(resumed.losses, full.losses)
    # a finished run keeps its final state until the checkpoints are written, then drops it
    assert int(train.read_state(state)[2]["epoch"][0]) == cfg.epochs
    again = train.train(cfg, "cpu", state_path=state, resume=True, progress=False, patches=small_patches)
    np.testing.assert_array_equal(again.flat, full.flat)  # resuming at the end trains nothing more
    np.testing.assert_array_equal(again.losses, full.losses)
    out = tmp_path / "ck"
    out.mkdir()
    train.export(again, out, state_path=state)
    assert not state.exists() and len(weights.load_all(out)) == 2


def test_export_round_trip(trained_dir):
    from core import weights

    manifest = weights.read_manifest(trained_dir)
    assert len(manifest["models"]) == 4
    ck = weights.load_checkpoint("code-noise", 22, trained_dir)
    assert ck.epochs == 3 and ck.loss.shape == (3,)
    assert ck.final_loss == pytest.approx(float(ck.loss[-1]))
    assert ck.metadata["code_noise"] == "[0.1, 0.01, 0.001]"
    assert (trained_dir / "code-noise" / "seed_22.safetensors").is_file()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_graph_matches_op_by_op_and_resumes(tmp_path, small_patches, monkeypatch):
    cfg = train.TrainConfig(variants=("plain", "input-noise"), seeds=(33,), epochs=6)
    graph = train.train(cfg, "cuda", progress=False, patches=small_patches)
    with monkeypatch.context() as m:
        m.setattr(train.Trainer, "cuda_graph", False)
        plain = train.train(cfg, "cuda", progress=False, patches=small_patches)
    np.testing.assert_array_equal(graph.flat, plain.flat)
    np.testing.assert_array_equal(graph.losses, plain.losses)
    cpu = train.train(cfg, "cpu", progress=False, patches=small_patches)
    np.testing.assert_allclose(graph.losses[0], cpu.losses[0], rtol=1e-4)  # plain: no noise

    state = tmp_path / train.STATE_FILE

    def ctrl_c_after(epoch):
        if epoch == 3:
            raise KeyboardInterrupt

    with pytest.raises(train.TrainingInterrupted):
        train.train(cfg, "cuda", state_path=state, progress=False, patches=small_patches,
                    on_epoch=ctrl_c_after)
    resumed = train.train(cfg, "cuda", state_path=state, resume=True, progress=False,
                          patches=small_patches)
    np.testing.assert_array_equal(resumed.flat, graph.flat)
    np.testing.assert_array_equal(resumed.losses, graph.losses)
