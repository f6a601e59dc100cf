//! Renderers: each reads a finished `model::Book` and writes one format.
//! A renderer never sees a manuscript and never calls another renderer.

pub mod epub;
pub mod pdf;
