//! Operations whose success answers differ by status (`200` with the resource, `202` with an
//! operation to wait for, say): the generator writes an enum with one variant per status and
//! implements [`Outcome`] for it; [`Answered`] is what its one method reads the answer through.

use crate::answer::Answer;
use crate::decode::decode;
use crate::error::Error;
use crate::operation::LongRunning;
use crate::request::Request;
use crate::send::KeepHeaders;
use crate::Response;
use serde::de::DeserializeOwned;

/// An enum of an operation's success answers, one variant per status the spec lists.
pub trait Outcome: Sized {
    /// The variant for this answer's status, its body decoded; a 2xx the spec does not list
    /// is [`Answered::unexpected`].
    fn from_answer(answer: Answered<'_>) -> Result<Self, Error>;
}

/// One success answer as an [`Outcome`] reads it.
pub struct Answered<'a> {
    answer: &'a Answer,
    request: &'a Request,
}

impl Answered<'_> {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.answer.status
    }

    /// The body decoded as `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        decode(&self.answer.body)
    }

    /// The body decoded as `A`, as an accepted [`LongRunning`] operation whose state reads as
    /// `S`.
    pub fn operation<A: DeserializeOwned, S>(&self) -> Result<LongRunning<A, S>, Error> {
        let accepted = decode(&self.answer.body)?;
        Ok(LongRunning::from_answer(
            accepted,
            self.request,
            self.answer,
        ))
    }

    /// The error for a 2xx the spec does not list for the operation.
    pub fn unexpected(&self) -> Error {
        Error::UnexpectedStatus {
            status: self.answer.status,
            request_id: self.answer.request_id.clone(),
        }
    }
}

impl Request {
    /// Send, and read the answer as the operation's [`Outcome`] for its status.
    pub async fn send_outcome<O: Outcome>(self) -> Result<O, Error> {
        let url = self.url();
        let answer = self.execute(&url, KeepHeaders::No, false).await?;
        O::from_answer(Answered {
            answer: &answer,
            request: &self,
        })
    }

    /// [`send_outcome`](Self::send_outcome), keeping the status, request id and headers.
    pub async fn send_outcome_with_metadata<O: Outcome>(self) -> Result<Response<O>, Error> {
        let url = self.url();
        let answer = self.execute(&url, KeepHeaders::Yes, false).await?;
        let value = O::from_answer(Answered {
            answer: &answer,
            request: &self,
        })?;
        Ok(answer.into_response(value))
    }

    /// Send an operation the API accepts (`202`) and finishes later: the answer, with a way to
    /// poll it ([`LongRunning`]).
    pub async fn send_operation<A: DeserializeOwned, S>(self) -> Result<LongRunning<A, S>, Error> {
        let url = self.url();
        let answer = self.execute(&url, KeepHeaders::No, false).await?;
        let accepted = decode(&answer.body)?;
        Ok(LongRunning::from_answer(accepted, &self, &answer))
    }

    /// [`send_operation`](Self::send_operation), keeping the status, request id and headers.
    pub async fn send_operation_with_metadata<A: DeserializeOwned, S>(
        self,
    ) -> Result<Response<LongRunning<A, S>>, Error> {
        let url = self.url();
        let answer = self.execute(&url, KeepHeaders::Yes, false).await?;
        let accepted = decode(&answer.body)?;
        let operation = LongRunning::from_answer(accepted, &self, &answer);
        Ok(answer.into_response(operation))
    }
}
