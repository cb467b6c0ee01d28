"""The machinery shared by every job family: interception, dispatch, protocols, state."""
