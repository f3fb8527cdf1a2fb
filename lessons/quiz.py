"""Server-side quiz grading.

Submissions name choices by their opaque block ids. Anything that does not fit
the quiz (unknown quiz, question or choice ids, duplicates, several answers to a
single-answer question, oversized payloads) is rejected with a message that can
be shown to the student as is.
"""

from dataclasses import dataclass

from django.utils.translation import gettext

MAX_SUBMISSION_BYTES = 32 * 1024
FIELD_PREFIX = "q-"


class QuizSubmissionError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class ChoiceResult:
    text: str
    mark: str  # "right" (chosen, correct), "wrong" (chosen, not correct), "missed" (correct, not chosen), ""


@dataclass
class QuestionResult:
    prompt: str
    correct: bool
    chosen: list
    feedback: str
    choices: list  # ChoiceResult per choice: shown only once answers may be revealed


def reveals_answers(passed, remaining):
    """Which choices were right is shown once it can no longer help a guess: after a pass, or
    when no attempt is left. Before that a student learns which questions they got wrong."""
    return passed or remaining == 0


def _mark(chosen, correct):
    if chosen:
        return "right" if correct else "wrong"
    return "missed" if correct else ""


def find_quiz(lesson, block_id):
    """The quiz block `block_id` in the lesson body, or None."""
    for child in lesson.body:
        if child.block_type == "quiz" and child.id == block_id:
            return child
    return None


def quizzes(lesson):
    return [child for child in lesson.body if child.block_type == "quiz"]


def parse_answers(quiz_value, data):
    """{question id: [choice ids]} from POST data, validated against the quiz."""
    questions = {question.id: question for question in quiz_value["questions"].bound_blocks}
    answers = {}
    for key in data:
        if not key.startswith(FIELD_PREFIX):
            continue  # csrf token and anything else is ignored
        question_id = key[len(FIELD_PREFIX) :]
        question = questions.get(question_id)
        if question is None:
            raise QuizSubmissionError(gettext("The submission names a question that is not in this quiz."))
        chosen = data.getlist(key)
        if len(chosen) != len(set(chosen)):
            raise QuizSubmissionError(gettext("The same answer was submitted twice for one question."))
        valid = {choice.id for choice in question.value["choices"].bound_blocks}
        if not set(chosen) <= valid:
            raise QuizSubmissionError(
                gettext("The submission contains an answer that is not one of the choices.")
            )
        if len(chosen) > 1 and not question.value["multiple"]:
            raise QuizSubmissionError(gettext("Only one answer may be chosen for a single-answer question."))
        answers[question_id] = chosen
    return answers


def grade(quiz_value, answers):
    """(score %, passed, [QuestionResult]); a question is right only with exactly the right set."""
    results = []
    for question in quiz_value["questions"].bound_blocks:
        choices = question.value["choices"].bound_blocks
        correct_ids = {choice.id for choice in choices if choice.value["correct"]}
        chosen = answers.get(question.id, [])
        results.append(
            QuestionResult(
                prompt=question.value["prompt"],
                correct=set(chosen) == correct_ids,
                chosen=[choice.value["text"] for choice in choices if choice.id in chosen],
                feedback=question.value["feedback"],
                choices=[
                    ChoiceResult(choice.value["text"], _mark(choice.id in chosen, choice.value["correct"]))
                    for choice in choices
                ],
            )
        )
    score = round(100 * sum(result.correct for result in results) / len(results)) if results else 0
    return score, score >= quiz_value["pass_mark"], results
