//! A pseudo-terminal for tests: the command's stdin, stdout and stderr are its terminal side,
//! and the test reads the screen and types on the other side, as a person at a terminal would.
//! The terminal echoes what is typed and turns `\n` into `\r\n` on output; [`Pty::expect`]
//! reads the screen with `\r\n` turned back into `\n`.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustix::fs::{Mode, OFlags};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};

/// How long [`Pty::expect`] waits for a text.
const WAIT: Duration = Duration::from_secs(60);

/// A command running on a pseudo-terminal.
pub struct Pty {
    child: Child,
    master: std::fs::File,
    screen: Arc<Mutex<Vec<u8>>>,
    reader: Option<std::thread::JoinHandle<()>>,
    /// How much of the (normalised) screen the test has already read.
    seen: usize,
}

impl Pty {
    /// Starts `command` with a new terminal as its stdin, stdout and stderr.
    pub fn spawn(command: &mut Command) -> Pty {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("openpt");
        grantpt(&master).expect("grantpt");
        unlockpt(&master).expect("unlockpt");
        let name = ptsname(&master, Vec::new()).expect("ptsname");
        // NOCTTY: the terminal must not become the test process's own.
        let open = || {
            let fd = rustix::fs::open(
                name.as_c_str(),
                OFlags::RDWR | OFlags::NOCTTY,
                Mode::empty(),
            )
            .expect("open the terminal side");
            Stdio::from(fd)
        };
        let child = command
            .stdin(open())
            .stdout(open())
            .stderr(open())
            .spawn()
            .expect("the command starts");
        // `command` keeps its Stdio until dropped; replace them so only the child holds the
        // terminal side and reading ends when the child does.
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let master = std::fs::File::from(master);
        let mut source = master.try_clone().expect("clone the master");
        let screen = Arc::new(Mutex::new(Vec::new()));
        let sink = screen.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Linux answers EIO once the terminal side is closed: the end of the screen.
            while let Ok(n @ 1..) = source.read(&mut buf) {
                sink.lock().expect("screen").extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            child,
            master,
            screen,
            reader: Some(reader),
            seen: 0,
        }
    }

    /// The whole screen so far, `\r\n` read as `\n`.
    pub fn screen(&self) -> String {
        let bytes = self.screen.lock().expect("screen").clone();
        String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
    }

    /// Waits until `text` appears after what was read before; returns everything up to and
    /// including it, and marks it read.
    pub fn expect(&mut self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if let Some(at) = screen.get(self.seen..).and_then(|rest| rest.find(text)) {
                let end = self.seen + at + text.len();
                let got = screen[self.seen..end].to_string();
                self.seen = end;
                return got;
            }
            if start.elapsed() > WAIT {
                panic!("{text:?} did not appear; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `text` (include `\n` for Enter).
    pub fn send(&mut self, text: &str) {
        self.master.write_all(text.as_bytes()).expect("type");
    }

    /// Types the end-of-input key (Ctrl-D at the start of a line).
    pub fn send_eof(&mut self) {
        self.send("\u{4}");
    }

    /// Waits for the command to end; returns its exit code and the rest of the screen.
    pub fn finish(mut self) -> (i32, String) {
        let status = self.child.wait().expect("wait");
        if let Some(reader) = self.reader.take() {
            reader.join().expect("reader");
        }
        let screen = self.screen();
        let rest = screen.get(self.seen..).unwrap_or_default().to_string();
        (status.code().unwrap_or(-1), rest)
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
