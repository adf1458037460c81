import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Annotations gain their place in the W3C Web Annotation model's selectors
 * (issue 18), beside the structured anchor. Existing annotations are carried
 * forward: each gets the selector its anchor describes (a PDF page, refined
 * by its region; an image region; an image point as a small circle); an
 * anchor on a whole image keeps a null selector (the whole record).
 */
export class AnnotationSelectors1795729000000 implements MigrationInterface {
  name = 'AnnotationSelectors1795729000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "annotation" ADD "selector" jsonb`);
    // Annotations are immutable (a trigger refuses updates); this one-time fill adds, never changes, what they say.
    await q.query(`ALTER TABLE "annotation" DISABLE TRIGGER "annotation_immutable"`);
    await q.query(`
      WITH a AS (
        SELECT id, anchor,
          CASE WHEN jsonb_typeof(anchor->'region') = 'object' THEN jsonb_build_object(
            'type', 'FragmentSelector', 'conformsTo', 'http://www.w3.org/TR/media-frags/',
            'value', format('xywh=pixel:%s,%s,%s,%s', anchor->'region'->>'x', anchor->'region'->>'y',
                            anchor->'region'->>'width', anchor->'region'->>'height'))
          WHEN jsonb_typeof(anchor->'x') = 'number' AND jsonb_typeof(anchor->'y') = 'number' THEN jsonb_build_object(
            'type', 'SvgSelector',
            'value', format('<svg><circle cx="%s" cy="%s" r="6"></circle></svg>', anchor->>'x', anchor->>'y'))
          END AS region
        FROM "annotation"
      )
      UPDATE "annotation" t SET "selector" = CASE
        WHEN a.anchor->>'kind' = 'page' THEN jsonb_build_object(
            'type', 'FragmentSelector', 'conformsTo', 'http://tools.ietf.org/rfc/rfc3778',
            'value', 'page=' || coalesce(a.anchor->>'page', '1'))
          || CASE WHEN a.region IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('refinedBy', a.region) END
        ELSE a.region END
      FROM a WHERE a.id = t.id`);
    await q.query(`ALTER TABLE "annotation" ENABLE TRIGGER "annotation_immutable"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "annotation" DISABLE TRIGGER "annotation_immutable"`);
    await q.query(`ALTER TABLE "annotation" DROP COLUMN "selector"`);
    await q.query(`ALTER TABLE "annotation" ENABLE TRIGGER "annotation_immutable"`);
  }
}
