//! Tests of the report layer, one file per concern, over the shared [`fixture`] report.

mod baseline;
mod fixture;
mod html;
mod json;
mod junit;
mod markdown;
mod samples;
mod write;
