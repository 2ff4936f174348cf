//! Where messages come from: `.eml` files, directories (recursive), mbox files and Maildirs.

use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use mail_parser::mailbox::mbox::MessageIterator;

/// One message to scan.
pub struct Mail {
    pub path: PathBuf,
    /// Position in an mbox file (0-based); `None` for single-message files.
    pub index: Option<usize>,
    pub bytes: Vec<u8>,
}

/// Receives each message, or the error of an input that could not be read.
pub type Sink<'a> = dyn FnMut(Result<Mail, InputError>) + 'a;

/// An input that could not be read.
pub struct InputError {
    pub path: PathBuf,
    pub error: io::Error,
}

fn failed(path: &Path, error: io::Error) -> Result<Mail, InputError> {
    Err(InputError {
        path: path.into(),
        error,
    })
}

/// File extensions picked up when walking a directory (Maildir files are taken whatever their
/// name).
const MAIL_EXTENSIONS: &[&str] = &["eml", "mbox", "mbx"];

/// Calls `sink` for every message under `path`, in a stable (sorted) order. Single-message
/// files are read up to `max_bytes + 1` bytes: the engine reads no more than `max_bytes` and
/// reports the limit, so a huge file never has to fit in memory.
pub fn visit(path: &Path, max_bytes: usize, sink: &mut Sink<'_>) {
    Walk { max_bytes }.visit(path, sink)
}

struct Walk {
    max_bytes: usize,
}

impl Walk {
    fn visit(&self, path: &Path, sink: &mut Sink<'_>) {
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(error) => return sink(failed(path, error)),
        };
        if meta.is_dir() {
            if is_maildir(path) {
                self.maildir(path, sink);
            } else {
                self.directory(path, sink);
            }
        } else {
            self.file(path, sink);
        }
    }
}

fn is_maildir(path: &Path) -> bool {
    path.join("cur").is_dir() && path.join("new").is_dir()
}

fn sorted_entries(path: &Path) -> io::Result<Vec<PathBuf>> {
    let mut entries = fs::read_dir(path)?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<Vec<_>>>()?;
    entries.sort();
    Ok(entries)
}

impl Walk {
    fn directory(&self, path: &Path, sink: &mut Sink<'_>) {
        let entries = match sorted_entries(path) {
            Ok(e) => e,
            Err(error) => return sink(failed(path, error)),
        };
        for entry in entries {
            // Do not follow symbolic links to directories: they can form loops.
            let Ok(meta) = fs::symlink_metadata(&entry) else {
                continue;
            };
            if meta.is_dir() {
                if is_maildir(&entry) {
                    self.maildir(&entry, sink);
                } else {
                    self.directory(&entry, sink);
                }
            } else if entry
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| MAIL_EXTENSIONS.iter().any(|m| m.eq_ignore_ascii_case(e)))
            {
                self.file(&entry, sink);
            }
        }
    }

    fn maildir(&self, path: &Path, sink: &mut Sink<'_>) {
        for sub in ["cur", "new"] {
            let dir = path.join(sub);
            match sorted_entries(&dir) {
                Ok(entries) => {
                    for entry in entries.into_iter().filter(|e| e.is_file()) {
                        self.single(&entry, sink);
                    }
                }
                Err(error) => sink(failed(&dir, error)),
            }
        }
        // Maildir++ sub-folders are directories named ".Folder" holding their own cur/new.
        if let Ok(entries) = sorted_entries(path) {
            for entry in entries {
                let dotted = entry
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.') && n.len() > 1);
                if dotted && is_maildir(&entry) {
                    self.maildir(&entry, sink);
                }
            }
        }
    }

    /// A regular file: an mbox when it starts with a `From ` line, else one message.
    fn file(&self, path: &Path, sink: &mut Sink<'_>) {
        let mut head = [0u8; 5];
        let is_mbox = File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .map(|n| &head[..n] == b"From ")
            .unwrap_or(false);
        if is_mbox {
            self.mbox(path, sink);
        } else {
            self.single(path, sink);
        }
    }

    fn single(&self, path: &Path, sink: &mut Sink<'_>) {
        let read = File::open(path).and_then(|f| {
            let mut bytes = Vec::new();
            f.take(self.max_bytes as u64 + 1).read_to_end(&mut bytes)?;
            Ok(bytes)
        });
        match read {
            Ok(bytes) => sink(Ok(Mail {
                path: path.into(),
                index: None,
                bytes,
            })),
            Err(error) => sink(failed(path, error)),
        }
    }

    fn mbox(&self, path: &Path, sink: &mut Sink<'_>) {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(error) => return sink(failed(path, error)),
        };
        for (index, item) in MessageIterator::new(BufReader::new(file)).enumerate() {
            match item {
                Ok(m) => sink(Ok(Mail {
                    path: path.into(),
                    index: Some(index),
                    bytes: m.unwrap_contents(),
                })),
                Err(error) => return sink(failed(path, error)),
            }
        }
    }
}
