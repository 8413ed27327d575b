"""No case model is registered in the Django admin: site staff see no case, party, category or complainant
(issue 11). tests/test_permission_matrix.py checks that the admin lists none."""
