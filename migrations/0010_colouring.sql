-- 0010: the colouring book (every scene of the story as line art), made beside the book when the shop asks for
-- colouring pages.
ALTER TABLE stories ADD COLUMN colouring_pdf_key text;
