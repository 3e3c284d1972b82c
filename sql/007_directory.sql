-- 007 directory: lkipd keeps users, keys, units and organisations in memory. Any change to them
-- bumps one version number and tells every daemon (NOTIFY lkip_directory), whatever made it: an
-- admin command, lkipd --add-user, or SQL by hand. Daemons also read the version every second,
-- so a lost notification delays a change by a second at most.

CREATE TABLE directory_version (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    version  bigint NOT NULL
);
INSERT INTO directory_version VALUES (true, 1);

CREATE FUNCTION directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE directory_version SET version = version + 1;
    PERFORM pg_notify('lkip_directory', '');
    RETURN NULL;
END $$;

CREATE TRIGGER users_directory AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION directory_changed();
CREATE TRIGGER units_directory AFTER INSERT OR UPDATE OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION directory_changed();
CREATE TRIGGER organisations_directory AFTER INSERT OR UPDATE OR DELETE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION directory_changed();
