"""The Textual dashboard: live status of every unit in every phase, time travel, replay."""
