# mmseg's 20k-iteration SGD + poly schedule.
_base_ = 'mmseg::_base_/schedules/schedule_20k.py'
