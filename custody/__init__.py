"""The night of a mass arrest: intake in one step, the hotline and jail-support log, the custody
board per event, release into a case, and merging the records of one person reported twice."""
