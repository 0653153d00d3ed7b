"""The HR sheet that ``python -m bot import`` reads: its header row."""

HEADER = "slack_user_id,role,department,years_experience,skills_to_share,topics_to_learn,manager_slack_user_id\n"
