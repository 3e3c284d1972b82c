-- 013 letter numbers on a batch's set path. The set path reads an organisation's letter
-- sequences without locking them, numbers its letters in memory and writes each sequence back
-- only where it still holds the value it read (an absent row: only where it is still absent).
-- When another transaction numbered a letter of the same organisation and year meanwhile, fewer
-- rows are written than the batch moved; the statement then fails with this error, the whole
-- batch is rolled back and runs again on the ordinary path, which takes the row lock.
CREATE FUNCTION batch_letters_all(got bigint, expected bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    IF got <> expected THEN
        RAISE EXCEPTION 'a letter sequence of the batch was moved by another transaction'
            USING ERRCODE = 'LKB02';
    END IF;
    RETURN got;
END $$;
