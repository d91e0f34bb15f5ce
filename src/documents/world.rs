//! The Typst world a document is typeset in: the standard library, the shipped fonts and a
//! handful of files held in memory (the template, the municipality's part, the data as
//! JSON, images). Nothing is read from disk and nothing from the network: a template that
//! asks for any other file gets "file not found".

use std::collections::HashMap;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// Fonts shipped in `assets/fonts` (SIL Open Font License, see `assets/SOURCES.md`):
/// Noto Sans for Latin, Cyrillic and Greek, Noto Naskh Arabic for Arabic and Farsi.
const FONT_FILES: [&[u8]; 4] = [
    include_bytes!("../../assets/fonts/NotoSans-Regular.ttf"),
    include_bytes!("../../assets/fonts/NotoSans-Bold.ttf"),
    include_bytes!("../../assets/fonts/NotoNaskhArabic-Regular.ttf"),
    include_bytes!("../../assets/fonts/NotoNaskhArabic-Bold.ttf"),
];

/// What every document shares: the library and the fonts, loaded once per process.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = FONT_FILES
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .collect();
        Shared {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

/// The id of the in-memory file at `path` (absolute, e.g. `/main.typ`).
pub(super) fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

/// One document's files. `main.typ` is typeset; the rest are what it may read.
pub(super) struct DocumentWorld {
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

impl DocumentWorld {
    /// A world whose sources are `sources` (path, Typst text; the first is the main one)
    /// and whose other files are `files` (path, bytes). Paths are absolute.
    pub(super) fn new(
        sources: Vec<(&str, String)>,
        files: Vec<(String, Vec<u8>)>,
        today: Datetime,
    ) -> Option<Self> {
        let main = file_id(sources.first()?.0)?;
        let mut map = HashMap::new();
        for (path, text) in sources {
            let id = file_id(path)?;
            map.insert(id, Source::new(id, text));
        }
        let mut bytes = HashMap::new();
        for (path, data) in files {
            bytes.insert(file_id(&path)?, Bytes::new(data));
        }
        Some(Self {
            main,
            sources: map,
            files: bytes,
            today,
        })
    }

    /// The source of `id`, when it is one of this world's.
    pub(super) fn source_of(&self, id: FileId) -> Option<&Source> {
        self.sources.get(&id)
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.get().vpath().get_with_slash().into())
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &shared().book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(source) = self.sources.get(&id) {
            return Ok(Bytes::from_string(source.clone()));
        }
        self.files.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
