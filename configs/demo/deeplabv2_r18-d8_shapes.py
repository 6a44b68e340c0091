# The demo's earlier name, kept for commands that point at it (mmseg-style name since then).
_base_ = './deeplabv2_r18-d8_1xb8-1.2k_shapes-112x112.py'
