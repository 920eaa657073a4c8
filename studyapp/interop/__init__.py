"""Interoperability: Anki export, Anki/Quizlet import, review-log export, author preview
and the app in a browser."""
