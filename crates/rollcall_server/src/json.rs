//! A JSON body extractor whose rejections are the API's own errors: malformed JSON, a wrong
//! content type or an unknown field is a 400 with a message that says what is wrong.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::AppError;

pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<JsonBody<T>, AppError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(JsonRejection::BytesRejection(error)) => Err(AppError::TooLarge(format!(
                "The request body could not be read: {error}"
            ))),
            Err(rejection) => Err(AppError::BadRequest(rejection.body_text())),
        }
    }
}
