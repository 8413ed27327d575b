"""The case pages: intake and receipts (intake.py), the complainant's page (complainant.py), the committee's pages
(committee.py), and the aggregate figures every member sees (figures.py)."""
