# ADELE in `tools/demo.py --method adele`: the released default (multi-scale consistency,
# per-class correction triggers, temperature 3, no dense CRF) on the baseline's data and
# schedule (`deeplabv2_r18-d8_1xb8-60e_shapes-cue-112x112_noisy-moderate-32.py`: the
# `moderate` noisy labels of the first 32 colour-cue train images, 60 epochs of 4 iterations
# from scratch, clean val on the first 100 val images), 3 forwards per step.
# `tools/benchmark/adele_shapes.sh` with ROOT=data/shapes_cue NTRAIN=32 EPOCHS=60
# METHODS=adele: results over 6 seeds in docs/adele.md.
_base_ = './deeplabv2_r18-d8_1xb8-60e_shapes-cue-112x112_noisy-moderate-32.py'
model = dict(decode_head=dict(loss_decode=_base_.adele_segmentor.decode_head.loss_decode))
custom_hooks = [dict(_base_.adele_hook, interval=4)]
