-- The schema that cagettes.db.connect() created with metadata.create_all() before migrations
-- existed (commit 86edd27), as SQLite received it: a workspace database of that time.

CREATE TABLE months (
	month VARCHAR(7) NOT NULL, 
	status VARCHAR(10) NOT NULL, 
	opened_at DATETIME NOT NULL, 
	forms_date DATE NOT NULL, 
	deadline DATE NOT NULL, 
	supplier_order_date DATE NOT NULL, 
	snapshot JSON NOT NULL, 
	PRIMARY KEY (month)
);

CREATE TABLE scanned_pages (
	id INTEGER NOT NULL, 
	month VARCHAR(7) NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	source VARCHAR(1000) NOT NULL, 
	source_index INTEGER, 
	scanned_at DATETIME NOT NULL, 
	outcome VARCHAR(20) NOT NULL, 
	reason VARCHAR(200) NOT NULL, 
	detail TEXT NOT NULL, 
	page_id VARCHAR(60), 
	form INTEGER, 
	page INTEGER, 
	conflict_of INTEGER, 
	fit_error_mm FLOAT, 
	review_reasons JSON NOT NULL, 
	overlay VARCHAR(1000), 
	comment VARCHAR(1000), 
	kept_image VARCHAR(1000), 
	PRIMARY KEY (id), 
	UNIQUE (sha256)
);

CREATE TABLE box_readings (
	scanned_page INTEGER NOT NULL, 
	box VARCHAR(40) NOT NULL, 
	state VARCHAR(12) NOT NULL, 
	confidence FLOAT NOT NULL, 
	score FLOAT NOT NULL, 
	reason VARCHAR(20) NOT NULL, 
	PRIMARY KEY (scanned_page, box), 
	FOREIGN KEY(scanned_page) REFERENCES scanned_pages (id)
);

CREATE TABLE forms (
	month VARCHAR(7) NOT NULL, 
	number INTEGER NOT NULL, 
	site VARCHAR(40) NOT NULL, 
	member VARCHAR(10), 
	PRIMARY KEY (month, number), 
	FOREIGN KEY(month) REFERENCES months (month)
);

CREATE TABLE page_lines (
	id INTEGER NOT NULL, 
	scanned_page INTEGER NOT NULL, 
	kind VARCHAR(20) NOT NULL, 
	product VARCHAR(40), 
	value VARCHAR(40), 
	status VARCHAR(12) NOT NULL, 
	reason VARCHAR(40) NOT NULL, 
	boxes JSON NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(scanned_page) REFERENCES scanned_pages (id)
);

CREATE INDEX ix_page_lines_scanned_page ON page_lines (scanned_page);

CREATE TABLE prints (
	id INTEGER NOT NULL, 
	month VARCHAR(7) NOT NULL, 
	printed_at DATETIME NOT NULL, 
	pages INTEGER NOT NULL, 
	manifest VARCHAR(500) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(month) REFERENCES months (month)
);
