//! Progress for people at a terminal: which stage a build is in (reading,
//! pictures, typesetting with its chapters and pages, writing), drawn on
//! standard error once a build has taken more than a second, and cleared
//! when it ends. The stages are announced from anywhere in the pipeline;
//! nothing is drawn unless the command line has turned the display on
//! (standard error is a terminal and `--quiet` is not given).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What is being done now.
#[derive(Default)]
struct State {
    /// The stage (`reading`, `pictures`, `typesetting`, `writing`).
    stage: &'static str,
    /// Within the stage: `chapter 3 of 40`, `212 pages`.
    detail: String,
    /// In a catalogue: titles done and in all.
    titles: Option<(usize, usize)>,
}

static STATE: Mutex<State> = Mutex::new(State {
    stage: "",
    detail: String::new(),
    titles: None,
});
static ON: AtomicBool = AtomicBool::new(false);

fn update(f: impl FnOnce(&mut State)) {
    if ON.load(Ordering::Relaxed)
        && let Ok(mut s) = STATE.lock()
    {
        f(&mut s);
    }
}

/// A new stage begins.
pub fn stage(stage: &'static str) {
    update(|s| {
        s.stage = stage;
        s.detail.clear();
    });
}

/// What the stage has got to.
pub fn detail(detail: impl FnOnce() -> String) {
    update(|s| s.detail = detail());
}

/// A catalogue has finished `done` of its `all` titles.
pub fn titles(done: usize, all: usize) {
    update(|s| s.titles = Some((done, all)));
}

/// The display, while it lives: drawn after `after` has passed, cleared
/// when dropped.
pub struct Display {
    stop: std::sync::mpsc::Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Display {
    /// Starts the display if `on`; `None` otherwise (nothing is drawn and
    /// the announcements cost an atomic load).
    pub fn start(on: bool, after: Duration) -> Option<Display> {
        if !on {
            return None;
        }
        ON.store(true, Ordering::Relaxed);
        // Every build starts by reading its input: shown from the first
        // frame, before the pool's first worker has said anything.
        stage("reading");
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let stop_now = |r: Result<(), std::sync::mpsc::RecvTimeoutError>| {
                !matches!(r, Err(std::sync::mpsc::RecvTimeoutError::Timeout))
            };
            if stop_now(stopped.recv_timeout(after)) {
                return;
            }
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            let style = indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
            bar.set_style(style);
            loop {
                let msg = STATE
                    .lock()
                    .map(|s| {
                        let mut m = String::new();
                        if let Some((done, all)) = s.titles {
                            m.push_str(&format!("{done}/{all} titles · "));
                        }
                        m.push_str(s.stage);
                        if !s.detail.is_empty() {
                            m.push_str(&format!(" ({})", s.detail));
                        }
                        m
                    })
                    .unwrap_or_default();
                bar.set_message(msg);
                bar.tick();
                if stop_now(stopped.recv_timeout(Duration::from_millis(120))) {
                    break;
                }
            }
            bar.finish_and_clear();
        });
        Some(Display {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.stop.send(());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        ON.store(false, Ordering::Relaxed);
    }
}
