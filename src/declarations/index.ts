import type { FastifyInstance } from 'fastify';
import type { DeclarationsDeps } from '../deps.js';
import { withUploads } from '../platform/http/uploads.js';
import { resultRoutes } from './declarationResult.route.js';
import { declarationsRoutes } from './declarations.route.js';
import { instructionsRoutes } from './instructions.route.js';
import { onlineDeclarationRoutes } from './onlineDeclaration.route.js';
import { prepareDeclarationRoutes } from './prepareDeclaration.route.js';
import { submitDeclarationRoutes } from './submitDeclaration.route.js';
import { templateRoutes } from './templates.route.js';

/**
 * Declarations: the declarant's years, the workbook templates, the online form of the workbook,
 * the wizard that takes the files
 * (the only upload routes besides the registry's), INVIA with its protocol number, and the
 * result with the copy of record.
 */
export async function declarationsArea(
  app: FastifyInstance,
  deps: DeclarationsDeps,
): Promise<void> {
  // The instructions are public and outside the prefix; every page of a declaration is under it.
  instructionsRoutes(app);
  await app.register(
    async (area) => {
      declarationsRoutes(area, deps);
      templateRoutes(area, deps);
      onlineDeclarationRoutes(area, deps);
      await withUploads(area, (uploads) => prepareDeclarationRoutes(uploads, deps));
      submitDeclarationRoutes(area, deps);
      resultRoutes(area, deps);
    },
    { prefix: '/dichiarazioni' },
  );
}
