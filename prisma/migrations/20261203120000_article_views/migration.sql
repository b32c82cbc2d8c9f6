-- Article page views per office-local date (insights, SPEC §12).

-- CreateTable
CREATE TABLE "article_views" (
    "day" DATE NOT NULL,
    "article_slug" TEXT NOT NULL,
    "views" INTEGER NOT NULL,

    CONSTRAINT "article_views_pkey" PRIMARY KEY ("day","article_slug")
);
