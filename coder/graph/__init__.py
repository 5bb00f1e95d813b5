"""The concept network (统/合): building it, measuring it, writing it for other tools."""
