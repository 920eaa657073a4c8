"""Progress: the SQLite store, FSRS review scheduling, quiz sessions and stats.

No Textual here: the app's screens call this layer, and tests drive it directly.
Modules: `store` (Store, StoreError; undo_last, set_suspended, bury, read_only),
`scheduler` (ReviewScheduler, fsrs_card_id, format_interval), `quiz` (QuizSession and card
filters), `stats` (compute_stats, Stats).
"""
