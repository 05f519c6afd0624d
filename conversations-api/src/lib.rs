//! Twilio Conversations v1 client.
