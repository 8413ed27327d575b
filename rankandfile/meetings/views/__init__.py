"""Pages and actions of a meeting. Each view names its rule; `access` fetches and checks, services write.

Actions are POSTs, usually sent by htmx. On success an htmx request gets the meeting's current shared fragments
(out-of-band swaps, the same as a live frame) plus, for a form, the form afresh; without htmx the browser is
redirected back. A refused action answers 422 with the form and its field-level messages (or a message in
`#meeting-feedback`); a member without the right gets 403, a missing object 404.

One module per screen: `setup` (a unit's meetings, creating and configuring one), `member` (the phone view and the
member's actions), `chair` (the chair console and its actions), `projector`, `minutes`, and `live` (what live
clients fetch); `common` holds the responses they share.
"""
