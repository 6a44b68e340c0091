from .self_training_loop import SelfTrainingLoop
from .teacher_student_val_loop import TeacherStudentValLoop

__all__ = ['SelfTrainingLoop', 'TeacherStudentValLoop']
