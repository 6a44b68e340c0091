# mmseg's 40k-iteration SGD + poly schedule.
_base_ = 'mmseg::_base_/schedules/schedule_40k.py'
