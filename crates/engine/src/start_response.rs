//! What the `states:startExecution` integration answers: StartExecution's response with the SDK
//! metadata AWS's integration adds, keys in AWS's order.
//!
//! For `.sync`, `.sync:2` and `.waitForTaskToken` only the history shows it (TaskSubmitted's
//! output), so an execution keeps [`StartAnswer`], the few facts it is made of, and the typed
//! shape below is serialized only when someone reads the event.

use crate::history::DeferredJson;
use serde::Serialize;
use stepwise_json::Value;

/// What one StartExecution call answered, kept small until it is shown.
#[derive(Debug)]
pub(crate) struct StartAnswer {
    pub request_id: String,
    pub execution_arn: String,
    pub start_millis: i64,
    /// When the call was answered (the `Date` header).
    pub answered_millis: i64,
}

impl StartAnswer {
    fn with_response<R>(&self, f: impl FnOnce(&StartResponse<'_>) -> R) -> R {
        let date = http_date(self.answered_millis);
        // The length AWS reports is that of its JSON response body: the ARN plus a fixed frame.
        let length = (self.execution_arn.len() + 92).to_string();
        f(&StartResponse::new(
            &self.execution_arn,
            self.start_millis,
            &self.request_id,
            &date,
            &length,
        ))
    }

    /// The response as the task's result (request-response calls).
    pub fn value(&self) -> Value {
        self.with_response(|r| Value::from(serde_json::to_value(r).unwrap_or_default()))
    }
}

impl DeferredJson for StartAnswer {
    fn json_text(&self) -> String {
        self.with_response(|r| serde_json::to_string(r).unwrap_or_default())
    }
}

#[derive(Serialize)]
pub(crate) struct StartResponse<'a> {
    #[serde(rename = "ExecutionArn")]
    pub execution_arn: &'a str,
    #[serde(rename = "SdkHttpMetadata")]
    pub http: HttpMetadata<'a>,
    #[serde(rename = "SdkResponseMetadata")]
    pub response: ResponseMetadata<'a>,
    #[serde(rename = "StartDate")]
    pub start_date: i64,
}

#[derive(Serialize)]
pub(crate) struct HttpMetadata<'a> {
    #[serde(rename = "AllHttpHeaders")]
    pub all_headers: AllHeaders<'a>,
    #[serde(rename = "HttpHeaders")]
    pub headers: Headers<'a>,
    #[serde(rename = "HttpStatusCode")]
    pub status: u16,
}

/// Every header as a list of values, as the SDK reports them.
#[derive(Serialize)]
pub(crate) struct AllHeaders<'a> {
    #[serde(rename = "x-amzn-RequestId")]
    pub request_id: [&'a str; 1],
    #[serde(rename = "connection")]
    pub connection: [&'static str; 1],
    #[serde(rename = "Content-Length")]
    pub content_length: [&'a str; 1],
    #[serde(rename = "Date")]
    pub date: [&'a str; 1],
    #[serde(rename = "Content-Type")]
    pub content_type: [&'static str; 1],
}

#[derive(Serialize)]
pub(crate) struct Headers<'a> {
    #[serde(rename = "connection")]
    pub connection: &'static str,
    #[serde(rename = "Content-Length")]
    pub content_length: &'a str,
    #[serde(rename = "Content-Type")]
    pub content_type: &'static str,
    #[serde(rename = "Date")]
    pub date: &'a str,
    #[serde(rename = "x-amzn-RequestId")]
    pub request_id: &'a str,
}

#[derive(Serialize)]
pub(crate) struct ResponseMetadata<'a> {
    #[serde(rename = "RequestId")]
    pub request_id: &'a str,
}

const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

impl<'a> StartResponse<'a> {
    /// `content_length` is that of AWS's JSON response body; `date` an HTTP date.
    pub fn new(
        execution_arn: &'a str,
        start_date: i64,
        request_id: &'a str,
        date: &'a str,
        content_length: &'a str,
    ) -> Self {
        StartResponse {
            execution_arn,
            http: HttpMetadata {
                all_headers: AllHeaders {
                    request_id: [request_id],
                    connection: ["keep-alive"],
                    content_length: [content_length],
                    date: [date],
                    content_type: [CONTENT_TYPE],
                },
                headers: Headers {
                    connection: "keep-alive",
                    content_length,
                    content_type: CONTENT_TYPE,
                    date,
                    request_id,
                },
                status: 200,
            },
            response: ResponseMetadata { request_id },
            start_date,
        }
    }
}

/// RFC 7231 date, as AWS puts in the `Date` header.
fn http_date(millis: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let iso = crate::clock::iso8601(millis);
    let day = DAYS[(millis.div_euclid(86_400_000)).rem_euclid(7) as usize];
    let month: usize = iso[5..7].parse().unwrap_or(1);
    format!(
        "{day}, {} {} {} {} GMT",
        &iso[8..10],
        MONTHS[month - 1],
        &iso[0..4],
        &iso[11..19]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepwise_json::json;

    #[test]
    fn text_and_value_have_aws_keys_in_aws_order() {
        let r = StartResponse::new("arn:x", 7, "req", "Wed, 01 Jan 2025 00:00:00 GMT", "97");
        let expected = json!({
            "ExecutionArn": "arn:x",
            "SdkHttpMetadata": {
                "AllHttpHeaders": {
                    "x-amzn-RequestId": ["req"], "connection": ["keep-alive"], "Content-Length": ["97"],
                    "Date": ["Wed, 01 Jan 2025 00:00:00 GMT"], "Content-Type": ["application/x-amz-json-1.0"],
                },
                "HttpHeaders": {
                    "connection": "keep-alive", "Content-Length": "97", "Content-Type": "application/x-amz-json-1.0",
                    "Date": "Wed, 01 Jan 2025 00:00:00 GMT", "x-amzn-RequestId": "req",
                },
                "HttpStatusCode": 200,
            },
            "SdkResponseMetadata": {"RequestId": "req"},
            "StartDate": 7,
        });
        assert_eq!(serde_json::to_string(&r).unwrap(), expected.to_string());
        assert_eq!(serde_json::to_value(&r).unwrap(), expected);
    }
}
